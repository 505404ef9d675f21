"""Uploaded files on the development server (DEBUG), with the headers README asks of the proxy
in production: no type sniffing, nothing in an upload running as a page of the portal, and
everything but the image types uploads are re-encoded or proven to be (portal/core/uploads.py)
as a download, PDFs included. Files are served, not written: no export goes through here."""

from pathlib import PurePosixPath

from django.conf import settings
from django.utils.http import content_disposition_header
from django.views import static

INLINE_MEDIA = (".jpg", ".jpeg", ".png", ".webp")


def media(request, path):
    response = static.serve(request, path, document_root=settings.MEDIA_ROOT)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    if not path.lower().endswith(INLINE_MEDIA):
        response["Content-Disposition"] = content_disposition_header(True, PurePosixPath(path).name)
    return response
