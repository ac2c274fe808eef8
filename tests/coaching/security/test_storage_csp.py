"""With S3 storage, media come from signed URLs on the storage's own origin after the authorized
redirect: the page's policy names that origin for media, images and fetches, and nothing more (the
Chromium check against a real S3 server is tests/distributed/test_cluster.py)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse

from coaching.middleware import ContentSecurityPolicyMiddleware


def _policy() -> dict[str, str]:
    middleware = ContentSecurityPolicyMiddleware(lambda request: HttpResponse())
    request = HttpRequest()
    request.path = "/videos/1/"
    policy = middleware(request)["Content-Security-Policy"]
    return dict(d.strip().split(" ", 1) for d in policy.split(";"))


def test_local_storage_keeps_everything_on_this_site(settings) -> None:
    settings.STORAGE_BACKEND = "local"
    policy = _policy()
    assert policy["media-src"] == "'self' blob:" and policy["connect-src"] == "'self'"


def test_s3_storage_adds_the_signed_urls_origin_to_media_images_and_fetches(settings) -> None:
    settings.STORAGE_BACKEND = "s3"
    settings.STORAGES = {**settings.STORAGES, "default": {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {"bucket_name": "media", "endpoint_url": "http://storage.example:8333",
                    "region_name": "us-east-1", "access_key": "key", "secret_key": "secret",
                    "querystring_auth": True, "signature_version": "s3v4"}}}
    policy = _policy()
    assert policy["media-src"] == "'self' blob: http://storage.example:8333"
    assert policy["img-src"] == "'self' data: blob: http://storage.example:8333"
    assert policy["connect-src"] == "'self' http://storage.example:8333"
    assert policy["script-src"] == "'self'" and policy["default-src"] == "'self'"
