"""A Content Security Policy for every response: scripts only from this site, media and
connections from this site and, with S3 storage, the storage's signed URLs; no inline scripts, no
eval; no framing. A request body limit checked before any middleware
reads the body."""

from __future__ import annotations

import logging
import tempfile
from collections.abc import Callable
from typing import IO
from urllib.parse import urlsplit

from django.conf import settings
from django.core.handlers.wsgi import LimitedStream
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from coaching.storage import STORAGE_READ_UNAVAILABLE, StorageUnavailable
from coaching.videos.upload import CHUNK, MULTIPART_ENVELOPE, UPLOAD_TOO_LARGE

log = logging.getLogger(__name__)


def content_security_policy(storage_origin: str = "") -> str:
    """The policy; ``storage_origin`` is where signed media URLs point (S3 storage): the video,
    poster and the JSON the report fetches come from there after the authorized redirect."""
    extra = f" {storage_origin}" if storage_origin else ""
    return "; ".join(
        [
            "default-src 'self'",
            "script-src 'self'",
            # Plotly.js injects its own <style> elements; inline styles, unlike inline scripts,
            # cannot run code.
            "style-src 'self' 'unsafe-inline'",
            f"img-src 'self' data: blob:{extra}",
            f"media-src 'self' blob:{extra}",
            f"connect-src 'self'{extra}",
            "object-src 'none'",
            "base-uri 'self'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        ]
    )


POLICY = content_security_policy()


def storage_origin() -> str:
    """Scheme and host of the signed URLs downloads redirect to; empty for local storage."""
    if settings.STORAGE_BACKEND != "s3":
        return ""
    from django.core.files.storage import default_storage

    parts = urlsplit(default_storage.url("origin"))  # signed locally: no request is made
    return f"{parts.scheme}://{parts.netloc}"


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.policy = content_security_policy(storage_origin())

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not request.path.startswith("/admin/"):  # Django's admin uses inline scripts
            response.headers.setdefault("Content-Security-Policy", self.policy)
        return response


class RequestBodyLimitMiddleware:
    """Refuse a request body over the upload limit before anything reads it.

    Placed before CsrfViewMiddleware: that middleware reads ``request.POST`` for its token, so
    an oversized body used to stop the upload handler inside it and end as a 500. A declared
    Content-Length over the limit gets the upload page's 413 without reading a byte. A chunked
    body (no Content-Length) is read here, at most limit + 1 bytes, into a spooled file, so it is
    bounded the same way; servers that do not de-chunk (``wsgi.input_terminated`` unset) get a
    411, since their stream would hand Django the chunk framing."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        limit = body_limit()
        declared = request.META.get("CONTENT_LENGTH") or ""
        if declared.strip():
            try:
                too_large = int(declared) > limit
            except ValueError:
                return _body_error(request, "The request's Content-Length is not a number.", 400)
            if too_large:
                return _body_error(request, UPLOAD_TOO_LARGE, 413)
        elif "chunked" in request.META.get("HTTP_TRANSFER_ENCODING", "").lower():
            spooled = _spool_chunked(request, limit)
            if isinstance(spooled, HttpResponse):
                return spooled
            try:
                return self.get_response(request)
            finally:
                spooled.close()
        return self.get_response(request)


NUL_IN_REQUEST = "The request contains a NUL character (%00), which no field takes: remove it and try again."


class NulCharacterMiddleware:
    """A NUL character in the path, the query string or a plain form's fields is a 400 with a
    message. PostgreSQL refuses NUL in text, so a view that looked up or filtered by such a value
    (the team page's search, the dashboard's action, a reference's action, an API token's name)
    ended in a 500. Django's forms refuse NUL already (ProhibitNullCharactersValidator); this
    covers the values views read straight from the request. Multipart bodies (uploads) are left
    to their forms, so no upload is parsed here."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        fields = [request.GET]
        if request.method == "POST" and request.content_type == "application/x-www-form-urlencoded":
            fields.append(request.POST)
        if "\x00" in request.path or any("\x00" in key or any("\x00" in v for v in values)
                                         for query in fields for key, values in query.lists()):
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": NUL_IN_REQUEST}, status=400)
            return _body_error(request, NUL_IN_REQUEST, 400)
        return self.get_response(request)


def body_limit() -> int:
    """The largest request body: the upload limit plus the multipart envelope around the file."""
    return int(settings.UPLOAD_MAX_BYTES) + MULTIPART_ENVELOPE


def _spool_chunked(request: HttpRequest, limit: int) -> HttpResponse | IO[bytes]:
    if not request.META.get("wsgi.input_terminated"):
        return _body_error(request, "Send the upload with a Content-Length (or through the site's "
                           "proxy), not chunked.", 411)
    source = request.META["wsgi.input"]
    spooled = tempfile.SpooledTemporaryFile(max_size=1024 * 1024, dir=settings.FILE_UPLOAD_TEMP_DIR)
    size = 0
    while chunk := source.read(min(CHUNK, limit + 1 - size)):
        size += len(chunk)
        if size > limit:
            spooled.close()
            return _body_error(request, UPLOAD_TOO_LARGE, 413)
        spooled.write(chunk)
    spooled.seek(0)
    request.META["CONTENT_LENGTH"] = str(size)
    request._stream = LimitedStream(spooled, size)  # type: ignore[assignment,arg-type]  # noqa: SLF001
    return spooled


def _body_error(request: HttpRequest, message: str, status: int) -> HttpResponse:
    """JSON for the upload page's script (and any XHR), a short text page otherwise."""
    wants_json = (request.headers.get("X-Requested-With") == "XMLHttpRequest"
                  or "json" in request.headers.get("Accept", ""))
    if wants_json:
        return JsonResponse({"ok": False, "error": message}, status=status)
    return HttpResponse(message, status=status, content_type="text/plain; charset=utf-8")


# Seconds a client is told to wait before trying again (Retry-After) while the storage does not
# answer: the page says "a few minutes"; a minute is the shortest wait worth a new try.
STORAGE_RETRY_AFTER_S = 60


class StorageUnavailableMiddleware:
    """A page, download or API call whose stored files cannot be read just now (StorageUnavailable:
    coaching.storage.read_stored and storage_calls, the serving of files) answers 503 with what
    happened and when to try again: the API as ``{"detail": …}``, a page's script as
    ``{"ok": false, "error": …}``, a browser a page. The upload path answers its own 503
    (STORAGE_UNAVAILABLE) the same way."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, StorageUnavailable):
            return None
        log.warning("%s %s: %s", request.method, request.path, exception)
        response: HttpResponse
        if request.path.startswith("/api/"):
            response = JsonResponse({"detail": STORAGE_READ_UNAVAILABLE}, status=503)
        elif not _wants_page(request):
            response = JsonResponse({"ok": False, "error": STORAGE_READ_UNAVAILABLE}, status=503)
        else:
            response = render(request, "503.html", {"message": STORAGE_READ_UNAVAILABLE}, status=503)
        response["Retry-After"] = str(STORAGE_RETRY_AFTER_S)
        return response


def _wants_page(request: HttpRequest) -> bool:
    """A browser going to a page (not a script's fetch, which reads JSON: browsers mark those
    with Sec-Fetch-Mode other than "navigate"; clients without that header are asked by Accept)."""
    return (request.accepts("text/html")
            and request.headers.get("Sec-Fetch-Mode", "navigate") == "navigate")
