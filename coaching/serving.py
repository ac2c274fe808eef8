"""Serving stored files after the view has authorized the request: HTTP range requests (so
video seeking works), X-Accel-Redirect when nginx fronts the app, signed expiring URLs on S3."""

from __future__ import annotations

import mimetypes
import re
import unicodedata
from collections.abc import Iterator
from pathlib import PurePath
from typing import IO
from urllib.parse import quote

from django.conf import settings
from django.db.models.fields.files import FieldFile
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseRedirect,
    StreamingHttpResponse,
)

from coaching.storage import storage_calls

_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")
CHUNK = 256 * 1024
# What may stay in a file name: letters and digits of any script, and a few harmless marks.
# Quotes, semicolons, slashes and control characters are what broke out of the header before.
_UNSAFE_NAME = re.compile(r"[^\w .()+-]+")
_ASCII_UNSAFE = re.compile(r"[^A-Za-z0-9 ._()+-]+")
MAX_NAME = 150


def safe_filename(name: str, *, default: str = "file") -> str:
    """A file name fit for storage and headers: the last path component, NFC, unsafe characters
    as "_", no leading dots (hidden files), at most MAX_NAME characters keeping the suffix."""
    base = PurePath(name.replace("\\", "/")).name
    base = _UNSAFE_NAME.sub("_", unicodedata.normalize("NFC", base)).strip(" ._") or default
    if len(base) > MAX_NAME:
        stem, suffix = PurePath(base).stem, PurePath(base).suffix[:16]
        base = stem[: MAX_NAME - len(suffix)] + suffix
    return base


def content_disposition_header(name: str, *, suffix: str | None = None, inline: bool = False) -> str:
    """The Content-Disposition value for every download: a sanitised name that ends in ``suffix``
    (the type actually served, so a crafted name cannot make the browser save another type), a
    plain ASCII ``filename`` and the UTF-8 ``filename*`` (RFC 6266 / RFC 5987)."""
    clean = safe_filename(name)
    if suffix and not clean.lower().endswith(suffix.lower()):
        clean = PurePath(clean).stem + suffix
    ascii_name = _ASCII_UNSAFE.sub("_", unicodedata.normalize("NFKD", clean)).strip(" ._") or "file"
    if suffix and not ascii_name.lower().endswith(suffix.lower()):
        ascii_name += suffix
    value = f'{"inline" if inline else "attachment"}; filename="{ascii_name}"'
    if ascii_name != clean:
        value += f"; filename*=UTF-8''{quote(clean, safe='')}"
    return value


def _read_range(fh: IO[bytes], start: int, length: int) -> Iterator[bytes]:
    try:
        fh.seek(start)
        remaining = length
        while remaining > 0:
            data = fh.read(min(CHUNK, remaining))
            if not data:
                break
            remaining -= len(data)
            yield data
    finally:
        fh.close()


def serve_field_file(
    request: HttpRequest, field_file: FieldFile, *, download_name: str | None = None
) -> HttpResponse | StreamingHttpResponse:
    if not field_file or not field_file.name:
        raise Http404("No such file.")
    storage = field_file.storage
    disposition = None
    if download_name:
        suffix = PurePath(field_file.name).suffix.lower() or None
        disposition = content_disposition_header(download_name, suffix=suffix)
    # A storage that does not answer (exists, size, open; signing on S3) is a 503, not a 500.
    with storage_calls(str(field_file.name)):
        if settings.STORAGE_BACKEND == "s3":
            params = {"ResponseContentDisposition": disposition} if disposition else None
            return HttpResponseRedirect(storage.url(field_file.name, parameters=params))  # type: ignore[call-arg]
        if not storage.exists(field_file.name):
            raise Http404("The file is missing from storage.")
        content_type = mimetypes.guess_type(field_file.name)[0] or "application/octet-stream"
        response: HttpResponse | StreamingHttpResponse
        if getattr(settings, "USE_X_ACCEL_REDIRECT", False):
            # nginx serves /protected/ (an internal location) and keeps these headers.
            response = HttpResponse(content_type=content_type)
            response["X-Accel-Redirect"] = "/protected/" + quote(field_file.name)
        else:
            response = _ranged(request, field_file, content_type)
    response["X-Content-Type-Options"] = "nosniff"
    if disposition:
        response["Content-Disposition"] = disposition
    return response


def _ranged(request: HttpRequest, field_file: FieldFile,
            content_type: str) -> HttpResponse | StreamingHttpResponse:
    """The file, or the byte range the Range header asks for (video seeking)."""
    storage, name = field_file.storage, str(field_file.name)
    size = storage.size(name)
    start, end = 0, size - 1
    status = 200
    match = _RANGE.match(request.headers.get("Range", "").strip())
    if match and size > 0:
        first, last = match.groups()
        if first:
            start = int(first)
            end = min(int(last), size - 1) if last else size - 1
        elif last:
            start = max(0, size - int(last))
        if start > end or start >= size:
            response = HttpResponse(status=416)
            response["Content-Range"] = f"bytes */{size}"
            return response
        status = 206
    length = end - start + 1 if size else 0
    fh = storage.open(name, "rb")
    stream = StreamingHttpResponse(_read_range(fh, start, length), status=status, content_type=content_type)
    stream["Content-Length"] = str(length)
    stream["Accept-Ranges"] = "bytes"
    stream["Cache-Control"] = "private, max-age=3600"
    if status == 206:
        stream["Content-Range"] = f"bytes {start}-{end}/{size}"
    return stream
