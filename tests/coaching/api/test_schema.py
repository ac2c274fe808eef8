"""The OpenAPI 3 schema is generated from the code, valid, and names every endpoint under
/api/v1/; its documentation page loads Swagger UI from this site's static files (no CDN)."""

from __future__ import annotations

import re

import pytest
import yaml
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from drf_spectacular.validation import validate_schema

pytestmark = pytest.mark.django_db
NOT_IN_SCHEMA = {"api_schema", "api_docs"}


def _api_routes(resolver: URLResolver, prefix: str = ""):  # noqa: ANN202
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            yield from _api_routes(entry, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern) and (prefix + str(entry.pattern)).startswith("api/v1/"):
            yield entry.name, prefix + str(entry.pattern)


def _as_openapi_path(route: str) -> str:
    return "/" + re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", route)


def test_schema_is_valid_and_complete(client) -> None:
    response = client.get(reverse("api_schema"))  # public: it describes the API, holds no data
    assert response.status_code == 200
    schema = yaml.safe_load(response.content)
    validate_schema(schema)
    routes = {name: _as_openapi_path(route) for name, route in _api_routes(get_resolver())
              if name not in NOT_IN_SCHEMA}
    assert len(routes) >= 20
    missing = {name: path for name, path in routes.items() if path not in schema["paths"]}
    assert not missing
    assert schema["components"]["securitySchemes"]["apiToken"]["scheme"] == "bearer"
    upload = schema["paths"]["/api/v1/uploads/{upload_id}/"]
    assert {"get", "patch", "delete"} <= set(upload)


def test_docs_page_is_served_from_local_files(client) -> None:
    page = client.get(reverse("api_docs"))
    assert page.status_code == 200
    html = page.content.decode()
    sources = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert sources and all(s.startswith("/") for s in sources), sources  # nothing from a CDN
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html)  # CSP: no inline scripts
    assert any("swagger-ui-bundle.js" in s for s in sources)
