"""tus over real HTTP (Django's live server): a connection killed mid-body keeps what arrived
and the upload resumes from there to the identical file; a Python tus client completes an
upload with a token; two PATCHes at one offset: one appends, the other is a 409."""

from __future__ import annotations

import http.client
import socket
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from coaching.api.models import TusUpload, UploadState
from coaching.api.tokens import api_token_create
from tests.coaching.api.tus_client import TusClient

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


@pytest.fixture(autouse=True)
def _server_done_with_the_database(live_server):  # noqa: ANN001, ANN202
    """After each test, wait (10 s at most) until no other connection to the test database is in
    a query or a transaction: the live server's thread may still be finishing the request whose
    connection was dropped, and the teardown's TRUNCATE then deadlocked against its reads (CI,
    2026-12-01: "deadlock detected" at teardown, and the next test's flush failed)."""
    from django.db import connection

    yield
    deadline = time.monotonic() + 10
    with connection.cursor() as cursor:
        while time.monotonic() < deadline:
            cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                           "AND pid <> pg_backend_pid() AND state IN ('active', 'idle in transaction')")
            if cursor.fetchone()[0] == 0:
                return
            time.sleep(0.05)


def _client(live_server, world) -> TusClient:  # noqa: ANN001
    _, secret = api_token_create(user=world.coach, name="capture app")
    return TusClient(live_server.url, secret)


def _offset_after_drop(tus: TusClient, location: str) -> int:
    """The server notices the dropped connection on its own thread: wait until it has stored
    what arrived (the offset moves off 0)."""
    deadline = time.monotonic() + 30
    while (offset := tus.offset(location)) == 0:
        assert time.monotonic() < deadline, "the server never stored the bytes that arrived"
        time.sleep(0.05)
    return offset


def test_killed_connection_resumes_to_the_identical_file(live_server, world, make_clip) -> None:
    data = make_clip(frames=48, size=(320, 240)).read_bytes()
    tus = _client(live_server, world)
    location = tus.create(f"/api/v1/athletes/{world.al.pk}/uploads/", len(data), filename="run.mp4")
    sent = len(data) // 2
    url = urlsplit(location)
    sock = socket.create_connection((url.hostname, url.port))
    sock.sendall((f"PATCH {url.path} HTTP/1.1\r\nHost: {url.netloc}\r\nTus-Resumable: 1.0.0\r\n"
                  f"Authorization: Bearer {tus.token}\r\n"
                  "Content-Type: application/offset+octet-stream\r\nUpload-Offset: 0\r\n"
                  f"Content-Length: {len(data)}\r\n\r\n").encode() + data[:sent])
    time.sleep(0.3)  # let the server read what was sent before the line goes dead
    sock.shutdown(socket.SHUT_RDWR)
    sock.close()
    offset = _offset_after_drop(tus, location)
    assert 0 < offset <= sent
    upload = TusUpload.objects.get()
    assert upload.temp_path.read_bytes() == data[:offset]
    last = tus.upload(location, data, chunk_size=len(data))
    assert last.status == 204, last.status
    upload.refresh_from_db()
    assert upload.state == UploadState.DONE
    assert Path(upload.video.file.path).read_bytes() == data
    assert last.headers["PoseCoach-Video"] == f"/videos/{upload.video_id}/"


def test_python_tus_client_completes_an_upload(live_server, world, make_clip) -> None:
    data = make_clip().read_bytes()
    tus = _client(live_server, world)
    location = tus.create(f"/api/v1/athletes/{world.ann.pk}/uploads/", len(data),
                          filename="ann.mov", movement="squat")
    last = tus.upload(location, data, chunk_size=4096)
    assert last.status == 204
    video = TusUpload.objects.get().video
    assert video.athlete == world.ann and video.movement == "squat"
    assert Path(video.file.path).read_bytes() == data


def test_concurrent_patches_at_one_offset_append_once(live_server, world) -> None:
    tus = _client(live_server, world)
    location = tus.create(f"/api/v1/athletes/{world.al.pk}/uploads/", 10_000_000, filename="a.mp4")
    chunk = b"\x00" * 2_000_000
    codes: list[int] = []

    def patch() -> None:
        url = urlsplit(location)
        conn = http.client.HTTPConnection(url.hostname, url.port, timeout=60)
        conn.request("PATCH", url.path, body=chunk, headers={
            "Tus-Resumable": "1.0.0", "Authorization": f"Bearer {tus.token}",
            "Content-Type": "application/offset+octet-stream", "Upload-Offset": "0"})
        codes.append(conn.getresponse().status)
        conn.close()

    threads = [threading.Thread(target=patch) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(codes) == [204, 409]
    assert tus.offset(location) == len(chunk)
    assert TusUpload.objects.get().temp_path.stat().st_size == len(chunk)
