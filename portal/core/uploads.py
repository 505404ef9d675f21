"""Uploaded documents keep only the type their bytes prove (issue 16, section 5).

A file's name is the uploader's claim; its first bytes are the fact. A voucher whose bytes start
with `%PDF-` but that is named `evil.html` or `evil.svg` would otherwise be stored under that
name and served as a web page from the portal's own origin. So a stored document is named
`<random>.<ext>` where ext is what the bytes are: `.pdf` (magic `%PDF-`) or `.jpg`, `.png`,
`.webp` (an image verified by Pillow through portal.core.images). Anything else is refused.
The random stem also keeps a receipt's URL unguessable and the uploader's file name (often a
person's name) out of the media folder.
"""

import uuid

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _

from .images import verified_format

PDF_MAGIC = b"%PDF-"
PDF_MAX_BYTES = 5 * 1024 * 1024
IMAGE_EXTENSIONS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}


def proven_extension(upload):
    """ "pdf", "jpg", "png" or "webp" as the bytes of `upload` prove; ValidationError otherwise."""
    head = upload.read(len(PDF_MAGIC))
    upload.seek(0)
    if head == PDF_MAGIC:
        if upload.size > PDF_MAX_BYTES:
            raise ValidationError(_("The PDF is larger than 5 MB. Please choose a smaller one."), code="too_large")
        return "pdf"
    try:
        fmt = verified_format(upload)
    except ValidationError:
        if (upload.name or "").lower().endswith(".pdf"):
            raise ValidationError(_("This file is not a real PDF."), code="not_pdf") from None
        raise
    if fmt not in IMAGE_EXTENSIONS:
        raise ValidationError(_("Upload a PDF, or a JPEG, PNG or WebP image."), code="format")
    return IMAGE_EXTENSIONS[fmt]


def validate_document(upload):
    """Form validator: a PDF or a JPEG/PNG/WebP image, checked by its bytes."""
    proven_extension(upload)
    return upload


def stored_document(upload):
    """The file to store: the upload's bytes under a random name with the proven extension."""
    extension = proven_extension(upload)
    upload.seek(0)
    content = ContentFile(upload.read(), name=f"{uuid.uuid4().hex}.{extension}")
    upload.seek(0)
    return content
