"""Upload handler: streams the request body to a temporary file in 64 KiB chunks and stops as
soon as the size limit is passed, so a 2 GB upload never sits in memory and an oversized one is
not written in full."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.files.uploadhandler import StopUpload, TemporaryFileUploadHandler

CHUNK = 64 * 1024
# The multipart envelope (boundaries, headers, the small form fields) around the file.
MULTIPART_ENVELOPE = 64 * 1024
UPLOAD_TOO_LARGE = "The file is larger than the upload limit; trim or compress it and try again."


class LimitedTemporaryFileUploadHandler(TemporaryFileUploadHandler):
    chunk_size = CHUNK

    def __init__(self, request: Any = None) -> None:
        super().__init__(request)
        self.received = 0

    def handle_raw_input(
        self,
        input_data: Any,
        META: Any,
        content_length: int,
        boundary: Any,
        encoding: str | None = None,
    ) -> None:
        # Normally refused earlier by RequestBodyLimitMiddleware; kept for bodies parsed without it.
        if content_length and content_length > settings.UPLOAD_MAX_BYTES + MULTIPART_ENVELOPE:
            self._mark_too_large()
            raise StopUpload(connection_reset=False)

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        self.received += len(raw_data)
        if self.received > settings.UPLOAD_MAX_BYTES:
            self._mark_too_large()
            if self.file is not None:
                self.file.close()  # deletes the partial temporary file
            raise StopUpload(connection_reset=False)
        return super().receive_data_chunk(raw_data, start)

    def _mark_too_large(self) -> None:
        if self.request is not None:
            setattr(self.request, "upload_too_large", True)  # noqa: B010 - read by the view
