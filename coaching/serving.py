"""Serving stored files after the view has authorized the request: HTTP range requests (so
video seeking works), X-Accel-Redirect when nginx fronts the app, signed expiring URLs on S3."""

from __future__ import annotations

import mimetypes
import re
from collections.abc import Iterator
from typing import IO

from django.conf import settings
from django.db.models.fields.files import FieldFile
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseRedirect,
    StreamingHttpResponse,
)

_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")
CHUNK = 256 * 1024


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
    if settings.STORAGE_BACKEND == "s3":
        return HttpResponseRedirect(storage.url(field_file.name))  # signed, expiring
    if not storage.exists(field_file.name):
        raise Http404("The file is missing from storage.")
    content_type = mimetypes.guess_type(field_file.name)[0] or "application/octet-stream"
    if getattr(settings, "USE_X_ACCEL_REDIRECT", False):
        response = HttpResponse(content_type=content_type)
        response["X-Accel-Redirect"] = f"/protected/{field_file.name}"
        return response
    size = storage.size(field_file.name)
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
    fh = storage.open(field_file.name, "rb")
    stream = StreamingHttpResponse(_read_range(fh, start, length), status=status, content_type=content_type)
    stream["Content-Length"] = str(length)
    stream["Accept-Ranges"] = "bytes"
    stream["Cache-Control"] = "private, max-age=3600"
    if status == 206:
        stream["Content-Range"] = f"bytes {start}-{end}/{size}"
    if download_name:
        stream["Content-Disposition"] = f'attachment; filename="{download_name}"'
    return stream
