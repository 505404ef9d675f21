"""Uploaded images: verified by Pillow, bounded in size, stored as a display copy and a thumbnail.

A leaf module (imports no app): center photos and project covers both use it. Bad input —
a text file renamed .jpg, a truncated image, a decompression bomb, an oversized file — is
refused with a ValidationError in Chinese and nothing is written.
"""

import io
import warnings

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
# Pixels allowed in one image, checked on the header before anything is decoded: a 7,000 ×
# 7,000 PNG of 143 KB (49 MP) took 572 MB of a worker's memory to check. 20 MP covers what a
# phone or a scanner gives for a photo or a receipt; a larger image is refused, not shrunk.
MAX_PIXELS = 20_000_000
DISPLAY_SIZE = (1600, 1600)
THUMB_SIZE = (400, 400)
ALLOWED_FORMATS = {"JPEG", "PNG", "WEBP", "GIF"}


def _open_verified(upload):
    if upload.size > MAX_UPLOAD_BYTES:
        raise ValidationError(_("The image is larger than 5 MB. Please choose a smaller one."), code="too_large")
    data = upload.read()
    upload.seek(0)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            probe = Image.open(io.BytesIO(data))  # reads the header only
            if probe.width * probe.height > MAX_PIXELS:
                raise ValidationError(
                    _("The image has more than %(megapixels)d megapixels. Please make it smaller and upload it again.")
                    % {"megapixels": MAX_PIXELS // 1_000_000},
                    code="bomb",
                )
            if probe.format not in ALLOWED_FORMATS:
                raise ValidationError(_("Upload a JPEG, PNG, WebP or GIF image."), code="format")
            probe.verify()  # catches truncated and corrupt files
            image = Image.open(io.BytesIO(data))
            image.load()
    except ValidationError:
        raise
    except (UnidentifiedImageError, Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise ValidationError(_("This file is not an image we can read, or it is too large."), code="invalid") from exc
    except (OSError, SyntaxError, ValueError) as exc:
        raise ValidationError(_("The image file is damaged or incomplete."), code="damaged") from exc
    return image


def validate_image(upload):
    """Raise ValidationError unless `upload` is a real, safe image. For form clean methods."""
    _open_verified(upload)
    return upload


def verified_format(upload):
    """Pillow's name of the format of a real, safe image ("JPEG", "PNG"...); ValidationError otherwise."""
    return _open_verified(upload).format


def _encode(image, size):
    copy = ImageOps.exif_transpose(image)
    copy.thumbnail(size)
    if copy.mode not in ("RGB", "L"):
        copy = copy.convert("RGB")
    out = io.BytesIO()
    copy.save(out, "JPEG", quality=85, optimize=True)
    return ContentFile(out.getvalue())


def process_image(upload):
    """(display, thumbnail) JPEG ContentFiles for a verified upload. Raises ValidationError."""
    image = _open_verified(upload)
    return _encode(image, DISPLAY_SIZE), _encode(image, THUMB_SIZE)
