"""Issue 21 item 3: nginx in front of gunicorn. No Docker engine or nginx runs here, so the
config is parsed (a small parser for nginx's syntax) and its wiring with compose and the app's
settings is checked: bodies buffered and timed out, limits, protected media, the proxy header."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pytest
import yaml
from django.urls import reverse

from coaching.videos.upload import MULTIPART_ENVELOPE, UPLOAD_TOO_LARGE
from tests.support import ROOT

CONF = (ROOT / "docker" / "nginx.conf").read_text()
COMPOSE = yaml.safe_load((ROOT / "docker" / "compose.yaml").read_text())
SERVICES = COMPOSE["services"]
_TOKEN = re.compile(r"""'((?:[^'\\]|\\.)*)'|"((?:[^"\\]|\\.)*)"|([{};])|([^\s{};'"#]+)|#[^\n]*|\s+""")


@dataclass
class Block:
    args: list[str] = field(default_factory=list)
    directives: list[tuple[str, list[str]]] = field(default_factory=list)
    blocks: list[tuple[str, Block]] = field(default_factory=list)

    def get(self, name: str) -> list[str]:
        values = [args for key, args in self.directives if key == name]
        assert len(values) == 1, (name, values)
        return values[0]

    def block(self, name: str, *args: str) -> Block:
        found = [b for key, b in self.blocks if key == name and tuple(b.args) == args]
        assert len(found) == 1, (name, args)
        return found[0]


def parse(text: str) -> Block:
    tokens = [next(g for g in m.groups() if g is not None) for m in _TOKEN.finditer(text)
              if any(g is not None for g in m.groups())]
    root, stack, words = Block(), [], []
    current = root
    for token in tokens:
        if token == ";":
            current.directives.append((words[0], words[1:]))
            words = []
        elif token == "{":
            child = Block(args=words[1:])
            current.blocks.append((words[0], child))
            stack.append(current)
            current, words = child, []
        elif token == "}":
            assert not words, words
            current = stack.pop()
        else:
            words.append(token)
    assert not stack and not words, "unbalanced nginx.conf"
    return root


def _size(value: str) -> int:
    units = {"k": 1024, "m": 1024**2, "g": 1024**3}
    return int(value[:-1]) * units[value[-1].lower()] if value[-1].isalpha() else int(value)


def _seconds(value: str) -> int:
    return int(value[:-1]) * {"s": 1, "m": 60}[value[-1]] if value[-1].isalpha() else int(value)


HTTP = parse(CONF).block("http")
SERVER = HTTP.block("server")


def test_slow_bodies_are_buffered_and_timed_out_by_nginx() -> None:
    assert _seconds(HTTP.get("client_body_timeout")[0]) <= 60
    assert _seconds(HTTP.get("client_header_timeout")[0]) <= 60
    app = SERVER.block("location", "/")
    assert app.get("proxy_request_buffering") == ["on"]
    assert app.get("proxy_pass") == ["http://app"]
    assert HTTP.block("upstream", "app").get("server") == ["web:8000"]
    assert SERVER.get("limit_conn")[0] == "per_address"


def test_body_limit_matches_the_app_and_answers_with_the_upload_message() -> None:
    app_limit = int(SERVICES["web"]["environment"]["UPLOAD_MAX_BYTES"].split(":-")[1].rstrip("}"))
    nginx_limit = _size(HTTP.get("client_max_body_size")[0])
    # nginx lets through what the app accepts, and little more (the app gives the exact 413).
    assert app_limit + MULTIPART_ENVELOPE <= nginx_limit <= app_limit + 8 * 1024**2
    assert SERVER.get("error_page") == ["413", "=", "@too_large"]
    reply = SERVER.block("location", "@too_large").get("return")
    assert reply[0] == "413" and UPLOAD_TOO_LARGE in reply[1]


def test_client_address_header_is_set_by_nginx_and_trusted_by_the_app() -> None:
    headers = dict((args[0], args[1]) for key, args in SERVER.block("location", "/").directives
                   if key == "proxy_set_header")
    assert headers["X-Real-IP"] == "$remote_addr"  # overwritten, so a client cannot forge it
    assert SERVICES["web"]["environment"]["TRUSTED_PROXY_HEADER"] == "X-Real-IP"


def test_compose_puts_nginx_in_front_of_gthread_gunicorn() -> None:
    nginx, web = SERVICES["nginx"], SERVICES["web"]
    assert "ports" not in web and nginx["ports"] == ["8000:80"]
    assert "./nginx.conf:/etc/nginx/nginx.conf:ro" in nginx["volumes"] and "static:/data/static:ro" in nginx["volumes"]
    assert nginx["depends_on"]["web"]["condition"] == "service_healthy"
    command = web["command"][-1].split()
    gunicorn = command[command.index("gunicorn"):]
    assert gunicorn[gunicorn.index("--worker-class") + 1] == "gthread"
    assert int(gunicorn[gunicorn.index("--timeout") + 1]) <= 60
    assert "collectstatic" in web["command"][-1]
    docker_cmd = (ROOT / "docker" / "Dockerfile").read_text()
    assert '"gthread"' in docker_cmd and '"600"' not in docker_cmd


@pytest.mark.django_db
def test_protected_files_go_through_x_accel_to_the_media_root(client, world, settings) -> None:
    env = SERVICES["web"]["environment"]
    protected = SERVER.block("location", "/protected/")
    assert protected.get("internal") == []
    # MEDIA_ROOT under POSECOACH_VAR_DIR (local storage on one machine); compose's media are in
    # S3, served by signed redirects (tests/distributed), so it leaves X-Accel off.
    assert protected.get("alias") == [env["POSECOACH_VAR_DIR"].rstrip("/") + "/media/"]
    assert SERVER.block("location", "/static/").get("alias") == [env["STATIC_ROOT"].rstrip("/") + "/"]
    assert env["USE_X_ACCEL_REDIRECT"] == "false" and env["POSECOACH_STORAGE"] == "s3"
    settings.USE_X_ACCEL_REDIRECT = True
    client.force_login(world.coach)
    response = client.get(reverse("video_original", args=[world.video.pk]))
    assert response["X-Accel-Redirect"] == "/protected/" + world.video.file.name
    assert response["Content-Disposition"].startswith("attachment;") and not response.content
    client.force_login(world.other_coach)
    assert client.get(reverse("video_original", args=[world.video.pk])).status_code == 404
