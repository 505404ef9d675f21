"""The image rules shared by center photos and project covers, on real files."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from portal.core.images import MAX_UPLOAD_BYTES, process_image, validate_image


def real_image(fmt="JPEG", size=(1200, 900), name="photo.jpg"):
    out = io.BytesIO()
    Image.new("RGB", size, (176, 28, 28)).save(out, fmt)
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/jpeg")


def test_a_real_photo_gives_display_and_thumbnail():
    display, thumb = process_image(real_image(size=(3000, 2000)))
    with Image.open(io.BytesIO(display.read())) as big, Image.open(io.BytesIO(thumb.read())) as small:
        assert big.size == (1600, 1067)
        assert max(small.size) == 400
        assert big.format == small.format == "JPEG"


def test_png_with_transparency_is_accepted():
    out = io.BytesIO()
    Image.new("RGBA", (50, 50), (0, 0, 0, 0)).save(out, "PNG")
    display, _thumb = process_image(SimpleUploadedFile("a.png", out.getvalue()))
    assert display.size > 0


def test_text_renamed_jpg_is_refused():
    with pytest.raises(ValidationError) as excinfo:
        validate_image(SimpleUploadedFile("evil.jpg", b"<?php echo 'hi'; ?>" * 10))
    assert "图片" in excinfo.value.messages[0]


def test_truncated_image_is_refused():
    data = real_image().read()
    with pytest.raises(ValidationError):
        validate_image(SimpleUploadedFile("half.jpg", data[: len(data) // 2]))


def test_decompression_bomb_is_refused():
    out = io.BytesIO()
    Image.new("1", (20000, 20000)).save(out, "PNG")  # 400 MP in a few dozen KB
    assert len(out.getvalue()) < MAX_UPLOAD_BYTES
    with pytest.raises(ValidationError):
        validate_image(SimpleUploadedFile("bomb.png", out.getvalue()))


def test_oversized_file_is_refused():
    upload = SimpleUploadedFile("huge.jpg", b"\xff\xd8" + b"0" * (MAX_UPLOAD_BYTES + 1))
    with pytest.raises(ValidationError) as excinfo:
        validate_image(upload)
    assert "5 MB" in excinfo.value.messages[0]
