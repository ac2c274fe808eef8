"""A tiny tus 1.0 client over http.client, for the tests (what a capture app does): create,
ask the offset, send the rest in chunks with a SHA-1 checksum each."""

from __future__ import annotations

import base64
import hashlib
import http.client
from dataclasses import dataclass
from urllib.parse import urlsplit


def metadata(**fields: str) -> str:
    return ",".join(f"{k} {base64.b64encode(v.encode()).decode()}" for k, v in fields.items())


@dataclass
class TusClient:
    base_url: str
    token: str

    def _request(self, method: str, url: str, body: bytes = b"",
                 headers: dict[str, str] | None = None) -> http.client.HTTPResponse:
        parts = urlsplit(url if "://" in url else self.base_url + url)
        conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
        conn.request(method, parts.path, body=body, headers={
            "Tus-Resumable": "1.0.0", "Authorization": f"Bearer {self.token}", **(headers or {})})
        response = conn.getresponse()
        response.read()
        conn.close()
        return response

    def create(self, endpoint: str, length: int, **fields: str) -> str:
        response = self._request("POST", endpoint, headers={
            "Upload-Length": str(length), "Upload-Metadata": metadata(**fields)})
        assert response.status == 201, (response.status, response.reason)
        return response.headers["Location"]

    def offset(self, location: str) -> int:
        response = self._request("HEAD", location)
        assert response.status == 200, response.status
        return int(response.headers["Upload-Offset"])

    def upload(self, location: str, data: bytes, chunk_size: int) -> http.client.HTTPResponse:
        """Send what the server lacks, from the offset it reports; the last reply."""
        offset = self.offset(location)
        while True:
            chunk = data[offset:offset + chunk_size]
            digest = base64.b64encode(hashlib.sha1(chunk).digest()).decode()
            response = self._request("PATCH", location, chunk, {
                "Content-Type": "application/offset+octet-stream", "Upload-Offset": str(offset),
                "Upload-Checksum": f"sha1 {digest}"})
            if response.status != 204:
                return response
            offset = int(response.headers["Upload-Offset"])
            if offset >= len(data):
                return response
