"""Uploads (issue 16, section 5): a stored file keeps only the extension its bytes prove, media are
served so that no upload runs as a page, images over 20 MP are refused before decoding, and a
workbook over the limits is refused before parsing."""

import io
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone, translation
from PIL import Image, ImageFile

from grids.models import JobStatus, Member
from grids.services import members_import
from portal import media as portal_media
from portal.core import workbooks
from portal.core.images import MAX_PIXELS, validate_image
from portal.core.uploads import proven_extension
from projects.models.funds import Expenditure
from tests.factory_members import member_row, workbook
from tests.factory_micro import in_progress, make_line, make_project

ROOT = Path(__file__).resolve().parent.parent
PDF = b"%PDF-1.4\n<html><script>alert(document.cookie)</script></html>\n%%EOF\n"


def _image(fmt, size=(20, 10), mode="RGB"):
    out = io.BytesIO()
    Image.new(mode, size).save(out, fmt)
    return out.getvalue()


def _zh(msgid, **values):
    with translation.override("zh-hans"):
        return translation.gettext(msgid) % values if values else translation.gettext(msgid)


# --- Vouchers keep the extension their bytes prove -----------------------------------------


@pytest.fixture
def spend(tree, people, client_for):
    project = in_progress(make_project(tree.community1, amount="100000.00"), make_line(tree.district))
    staff = client_for(people.huafu)

    def post(name, content):
        data = {"kind": "spend", "spend-amount": "1.00", "spend-date": "2026-04-01", "spend-payee": "物业"}
        data["spend-voucher"] = SimpleUploadedFile(name, content, content_type="text/html")
        return staff.post(reverse("micro_staff_spending", args=[project.pk]), data)

    return post


@pytest.mark.parametrize(
    ("name", "content", "extension"),
    [
        ("evil.html", PDF, ".pdf"),
        ("evil.svg", PDF, ".pdf"),
        ("fapiao.PDF", PDF, ".pdf"),
        ("scan.jpg", _image("PNG"), ".png"),
        ("scan.png", _image("JPEG"), ".jpg"),
        ("scan.html", _image("WEBP"), ".webp"),
        ("no-extension", _image("JPEG"), ".jpg"),
    ],
)
def test_a_voucher_is_stored_under_the_type_its_bytes_prove(spend, name, content, extension, settings):
    assert spend(name, content).status_code == 302
    stored = Expenditure.objects.get().voucher
    assert Path(stored.name).suffix == extension and Path(stored.name).parent == Path("micro/vouchers/2026")
    assert Path(name).stem not in stored.name  # a random stem: no uploader's file name, unguessable
    assert (settings.MEDIA_ROOT / stored.name).read_bytes() == content
    assert [p.suffix for p in (settings.MEDIA_ROOT / "micro/vouchers/2026").iterdir()] == [extension]


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("evil.html", b"<html><script>alert(1)</script></html>"),
        ("evil.svg", b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'),
        ("anim.gif", _image("GIF")),
        ("fake.pdf", b"<html>not a pdf</html>"),
    ],
)
def test_anything_else_is_refused_and_nothing_stored(spend, name, content, settings):
    response = spend(name, content)
    assert response.status_code == 400
    assert not Expenditure.objects.exists()
    assert not (settings.MEDIA_ROOT / "micro").exists()


def test_the_service_names_the_file_even_without_the_form(tree):
    from projects.services.funds import record_expenditure

    project = in_progress(make_project(tree.community1, amount="1000.00"), make_line(tree.district))
    today = timezone.localdate()
    expenditure = record_expenditure(
        project=project, actor=None, amount=1, date=today, payee="物业",
        voucher=SimpleUploadedFile("evil.svg", PDF),
    )  # fmt: skip
    assert expenditure.voucher.name.endswith(".pdf")
    with pytest.raises(ValidationError):
        record_expenditure(
            project=project, actor=None, amount=1, date=today, payee="物业",
            voucher=SimpleUploadedFile("evil.svg", b"<svg/>"),
        )  # fmt: skip


def test_proven_extension_reads_bytes_not_names():
    assert proven_extension(SimpleUploadedFile("a.html", PDF)) == "pdf"
    assert proven_extension(SimpleUploadedFile("a.pdf", _image("PNG"))) == "png"
    with pytest.raises(ValidationError) as excinfo:
        proven_extension(SimpleUploadedFile("a.pdf", b"<html>"))
    assert excinfo.value.code == "not_pdf"


# --- Media as the proxy must serve them --------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content", "inline"),
    [("v/a.pdf", PDF, False), ("v/a.jpg", _image("JPEG"), True), ("v/a.webp", _image("WEBP"), True),
     ("v/old.html", b"<script>", False), ("v/old.svg", b"<svg/>", False)],
)  # fmt: skip
def test_media_headers(settings, name, content, inline):
    path = settings.MEDIA_ROOT / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    response = portal_media.media(RequestFactory().get(f"/media/{name}"), name)
    assert response.status_code == 200
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
    disposition = "inline" if inline else "attachment"
    assert response["Content-Disposition"] == f'{disposition}; filename="{Path(name).name}"'
    if name.endswith(".pdf"):
        assert response["Content-Type"] == "application/pdf"


def test_the_development_server_serves_media_through_that_view(monkeypatch):
    import importlib

    import portal.urls

    monkeypatch.setattr("django.conf.settings.DEBUG", True)
    try:
        routes = importlib.reload(portal.urls).urlpatterns
        assert any(getattr(route, "callback", None) is portal_media.media for route in routes)
    finally:
        monkeypatch.setattr("django.conf.settings.DEBUG", False)
        importlib.reload(portal.urls)


# --- Images over 20 megapixels, refused on the header ------------------------------------------


def _big_png(width, height, mode="1"):
    out = io.BytesIO()
    Image.new(mode, (width, height), 255).save(out, "PNG", optimize=True)
    return out.getvalue()


def test_the_7000_by_7000_png_is_refused_without_decoding(monkeypatch):
    data = _big_png(7000, 7000)
    assert len(data) < 200 * 1024  # 143 KB in the report; a few dozen here (1-bit)

    def no_decoding(self, *args, **kwargs):
        raise AssertionError("decoded")

    monkeypatch.setattr(ImageFile.ImageFile, "load", no_decoding)
    monkeypatch.setattr(ImageFile.ImageFile, "verify", no_decoding, raising=False)
    with pytest.raises(ValidationError) as excinfo:
        validate_image(SimpleUploadedFile("big.png", data))
    assert excinfo.value.code == "bomb"
    expected = "The image has more than %(megapixels)d megapixels. Please make it smaller and upload it again."
    assert excinfo.value.messages == [_zh(expected, megapixels=20)]


def test_20_megapixels_pass_and_one_row_more_does_not():
    assert MAX_PIXELS == 20_000_000
    validate_image(SimpleUploadedFile("ok.png", _big_png(5000, 4000)))
    with pytest.raises(ValidationError):
        validate_image(SimpleUploadedFile("big.png", _big_png(5000, 4001)))


def test_checking_the_big_png_costs_no_memory(tmp_path):
    """In a fresh process: the peak memory of checking the 7,000 × 7,000 PNG (572 MB before)."""
    (tmp_path / "big.png").write_bytes(_big_png(7000, 7000, "L"))  # 49 MB once decoded
    script = f"""
import os, resource, sys
sys.path.insert(0, {str(ROOT)!r})
os.environ["DJANGO_SETTINGS_MODULE"] = "portal.settings"
import django; django.setup()
from django.core.files.uploadedfile import SimpleUploadedFile
from portal.core.images import validate_image
data = open({str(tmp_path / "big.png")!r}, "rb").read()
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
try:
    validate_image(SimpleUploadedFile("big.png", data))
except Exception as exc:
    print(type(exc).__name__)
print((resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) // 1024)
"""
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True).stdout.split()
    assert out[0] == "ValidationError"
    assert int(out[1]) < 10, f"{out[1]} MB more to refuse the image"


# --- Workbooks over the limits, refused before parsing -----------------------------------------


def _zip(parts):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in parts.items():
            archive.writestr(name, content)
    return out.getvalue()


def _shared_strings(texts):
    items = "".join(f"<si><t>{text}</t></si>" for text in texts)
    return (
        '<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
        f' count="{len(texts)}" uniqueCount="{len(texts)}">{items}</sst>'
    )


def _refused(content, limits, message, **values):
    with pytest.raises(ValidationError) as excinfo:
        workbooks.check_workbook(io.BytesIO(content), limits)
    assert excinfo.value.messages == [_zh(message, **values)]


def test_a_file_over_the_size_limit():
    message = "The file is larger than %(mb)d MB. Please split it into smaller workbooks."
    _refused(b"PK" + b"\0" * workbooks.MB, workbooks.Limits(file_bytes=workbooks.MB), message, mb=1)


def test_an_archive_that_unpacks_to_too_much():
    bomb = _zip({"xl/worksheets/sheet1.xml": b"\0" * (3 * workbooks.MB)})
    assert len(bomb) < 10_000
    message = "The workbook unpacks to more than %(mb)d MB. Please split it into smaller workbooks."
    _refused(bomb, workbooks.Limits(unpacked_bytes=2 * workbooks.MB), message, mb=2)


def test_rows_are_counted_in_the_bytes_even_without_a_dimension():
    rows = [member_row(n) for n in range(11)]
    content = workbook(rows)  # openpyxl's write-only mode: inline strings, no <dimension>
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        assert b"<dimension" not in archive.read("xl/worksheets/sheet1.xml")
    message = "A sheet of the workbook has more than %(n)d rows. Please split it into smaller workbooks."
    _refused(content, workbooks.Limits(rows=10), message, n=10)
    workbooks.check_workbook(io.BytesIO(content), workbooks.Limits(rows=11))  # header + 11 rows pass


def test_rows_cut_across_read_chunks_are_counted(monkeypatch):
    monkeypatch.setattr(workbooks, "CHUNK", 7)
    sheet = "<worksheet><sheetData>" + '<row r="1"><c/></row>' * 12 + "</sheetData></worksheet>"
    content = _zip({"xl/worksheets/sheet1.xml": sheet})
    workbooks.check_workbook(io.BytesIO(content), workbooks.Limits(rows=11))
    message = "A sheet of the workbook has more than %(n)d rows. Please split it into smaller workbooks."
    _refused(content, workbooks.Limits(rows=10), message, n=10)


@pytest.mark.parametrize("chunk", [workbooks.CHUNK, 7])
def test_too_many_shared_strings(chunk, monkeypatch):
    monkeypatch.setattr(workbooks, "CHUNK", chunk)  # 7: items and tags cut across reads
    content = _zip({"xl/sharedStrings.xml": _shared_strings([f"姓名{i}" for i in range(101)])})
    workbooks.check_workbook(io.BytesIO(content), workbooks.Limits(shared_strings=101))
    message = "The workbook holds more than %(n)d different texts. Please split it into smaller workbooks."
    _refused(content, workbooks.Limits(shared_strings=100), message, n=100)


def test_a_cell_too_long():
    # 1,000 characters pass even when their bytes (UTF-8, entities) are more than 1,000.
    workbooks.check_workbook(io.BytesIO(_zip({"xl/sharedStrings.xml": _shared_strings(["长" * 999 + "&amp;"])})))
    content = _zip({"xl/sharedStrings.xml": _shared_strings(["短", "长" * 1001])})
    message = (
        "A cell of the workbook holds more than %(n)d characters, more than any column takes. Please check the file."
    )
    _refused(content, workbooks.Limits(), message, n=1000)


def test_a_shared_string_table_with_a_doctype_is_not_a_workbook():
    table = '<?xml version="1.0"?><!DOCTYPE sst [<!ENTITY a "aaaa">]><sst><si><t>&a;</t></si></sst>'
    _refused(_zip({"xl/sharedStrings.xml": table}), workbooks.Limits(), "This file is not an Excel workbook (.xlsx).")


def test_the_member_import_refuses_before_openpyxl_parses(tree, people, client_for, monkeypatch):
    monkeypatch.setattr(members_import, "Limits", lambda **kw: workbooks.Limits(**{**kw, "rows": 2}))

    def no_parsing(*args, **kwargs):
        raise AssertionError("parsed")

    monkeypatch.setattr(workbooks, "load_workbook", no_parsing)
    content = workbook([member_row(n) for n in range(3)])
    upload = SimpleUploadedFile("members.xlsx", content, content_type="application/octet-stream")
    # The import runs as a job (at once in tests): it fails with the message, nothing parsed.
    response = client_for(people.huafu).post(reverse("member_import"), {"workbook": upload}, follow=True)
    message = "A sheet of the workbook has more than %(n)d rows. Please split it into smaller workbooks."
    job = response.context["job"]
    assert job.status == JobStatus.FAILED
    assert [(e["row"], e["message"]) for e in job.errors] == [(1, _zh(message, n=2))]
    assert _zh(message, n=2) in response.content.decode()
    assert not Member.objects.exists()


def test_a_workbook_within_the_limits_still_imports(tree, people):
    result = members_import.import_workbook(io.BytesIO(workbook([member_row(n) for n in range(3)])), user=people.huafu)
    assert result.ok and result.created == 3
