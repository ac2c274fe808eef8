"""Issue 21 item 1: a body over the upload limit is a clean 413 with the upload page's message
before the CSRF middleware reads it (it used to be a 500), for a declared Content-Length and for
chunked bodies."""

from __future__ import annotations

import io
import json
import socket
from urllib.parse import urlsplit

import pytest
from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart
from django.urls import reverse

from coaching.videos.upload import UPLOAD_TOO_LARGE


def _raw_post(base: str, path: str, headers: dict[str, str], body: bytes) -> tuple[int, str]:
    """One real HTTP request on a socket; only part of the declared body is ever sent."""
    host = urlsplit(base)
    with socket.create_connection((host.hostname, host.port), timeout=20) as sock:
        head = "".join(f"{k}: {v}\r\n" for k, v in headers.items())
        sock.sendall(f"POST {path} HTTP/1.1\r\nHost: {host.netloc}\r\n{head}\r\n".encode() + body)
        # Stop sending (as a client that gave up would): the server then sees the end of the
        # body instead of waiting for the gigabytes announced, and closes without a reset.
        sock.shutdown(socket.SHUT_WR)
        data = b""
        while chunk := sock.recv(65536):  # until the server closes: the whole response
            data += chunk
    assert data, "no response"
    status = int(data.split(b" ", 2)[1])
    return status, data.split(b"\r\n\r\n", 1)[1].decode()


@pytest.mark.django_db(transaction=True)
def test_declared_content_length_over_the_limit_is_413_before_csrf(live_server, settings) -> None:
    """The attack: a browser announces a 3 GB upload; the server must answer without reading it,
    and without a CSRF token or a session (nothing has read the body to find them)."""
    settings.UPLOAD_MAX_BYTES = 1_000_000
    path = reverse("video_upload", args=[1])
    headers = {"Content-Type": MULTIPART_CONTENT, "Content-Length": str(3 * 1024**3),
               "X-Requested-With": "XMLHttpRequest"}
    status, body = _raw_post(live_server.url, path, headers, b"--" + BOUNDARY.encode() + b"\r\n")
    assert status == 413, body
    assert json.loads(body) == {"ok": False, "error": UPLOAD_TOO_LARGE}
    headers.pop("X-Requested-With")
    status, body = _raw_post(live_server.url, "/accounts/login/", headers, b"x" * 100)
    assert (status, body) == (413, UPLOAD_TOO_LARGE)


class EndlessBody(io.RawIOBase):
    """A chunked body that never ends (what a de-chunking server hands over), counting bytes."""

    def __init__(self) -> None:
        self.sent = 0

    def read(self, size: int = -1) -> bytes:
        size = 65536 if size is None or size < 0 else size
        self.sent += size
        return b"\0" * size


@pytest.mark.django_db
def test_chunked_body_over_the_limit_is_413_after_reading_at_most_the_limit(client, world, settings) -> None:
    settings.UPLOAD_MAX_BYTES = 200_000
    client.force_login(world.coach)
    body = EndlessBody()
    response = client.generic("POST", reverse("video_upload", args=[world.ann.pk]),
                              HTTP_TRANSFER_ENCODING="chunked", HTTP_X_REQUESTED_WITH="XMLHttpRequest",
                              CONTENT_TYPE=MULTIPART_CONTENT, **{"wsgi.input": body,
                                                                 "wsgi.input_terminated": True})
    assert response.status_code == 413
    assert response.json()["error"] == UPLOAD_TOO_LARGE
    assert body.sent <= 200_000 + 2 * 65536 + 64 * 1024


@pytest.mark.django_db
def test_chunked_upload_within_the_limit_is_accepted(client, world, make_clip) -> None:
    client.force_login(world.coach)
    with make_clip(frames=24).open("rb") as fh:
        payload = encode_multipart(BOUNDARY, {"file": fh})
    response = client.generic("POST", reverse("video_upload", args=[world.ann.pk]),
                              HTTP_TRANSFER_ENCODING="chunked", CONTENT_TYPE=MULTIPART_CONTENT,
                              **{"wsgi.input": io.BytesIO(payload), "wsgi.input_terminated": True})
    assert response.status_code == 201, response.content


@pytest.mark.django_db
def test_chunked_body_the_server_did_not_dechunk_is_refused(client, world) -> None:
    client.force_login(world.coach)
    response = client.generic("POST", reverse("video_upload", args=[world.ann.pk]),
                              HTTP_TRANSFER_ENCODING="chunked", CONTENT_TYPE=MULTIPART_CONTENT,
                              **{"wsgi.input": io.BytesIO(b"5\r\nhello\r\n0\r\n\r\n")})
    assert response.status_code == 411
