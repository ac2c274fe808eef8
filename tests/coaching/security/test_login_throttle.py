"""Issue 21 item 4: one throttle for every sign-in form (the admin's too), counted before the
password is checked so parallel attempts cannot slip through, keyed per username and per client
address from the trusted proxy's header, with an address limit a club behind one NAT survives."""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from django.core.cache import cache
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    yield
    cache.clear()


def _login(client, username: str, password: str, url: str = "/accounts/login/", **extra: str):
    return client.post(url, {"username": username, "password": password}, **extra)


def test_admin_login_is_throttled(client, world, settings) -> None:
    world.coach.is_staff = True
    world.coach.save()
    for _ in range(settings.LOGIN_FAILURE_LIMIT):
        assert "correct username" in _login(client, "coach", "wrong", "/admin/login/").content.decode()
    blocked = _login(client, "coach", "pw-coach-123", "/admin/login/")
    assert "Too many failed sign-ins" in blocked.content.decode()
    assert "_auth_user_id" not in client.session


def test_a_right_password_gives_its_slot_back(client, world, settings) -> None:
    for _ in range(settings.LOGIN_FAILURE_LIMIT * 3):
        assert _login(client, "coach", "pw-coach-123").status_code == 302
        client.logout()
    assert _login(client, "coach", "pw-coach-123").status_code == 302


def test_address_comes_from_the_trusted_proxy_header(client, world, settings) -> None:
    """Behind the proxy every request has the proxy's REMOTE_ADDR: keyed on it, one person
    locked out everyone. With the header configured, only the attacker's address is limited."""
    settings.TRUSTED_PROXY_HEADER = "X-Forwarded-For"
    settings.LOGIN_ADDRESS_FAILURE_LIMIT = 8
    attacker = {"HTTP_X_FORWARDED_FOR": "1.2.3.4, 203.0.113.9"}  # the first entry is forged
    for n in range(12):
        _login(client, f"guess{n}", "wrong", **attacker)
    assert "Too many" in _login(client, "coach", "pw-coach-123", **attacker).content.decode()
    member = {"HTTP_X_FORWARDED_FOR": "1.2.3.4, 198.51.100.7"}
    assert _login(client, "coach", "pw-coach-123", **member).status_code == 302


def test_one_person_cannot_lock_out_a_club_behind_one_nat(client, world, settings) -> None:
    """Hammering one account counts against the address only up to the username limit."""
    for _ in range(200):
        _login(client, "ann", "wrong")
    assert "Too many" in _login(client, "ann", "pw-ann-123").content.decode()
    assert _login(client, "coach", "pw-coach-123").status_code == 302


@pytest.mark.django_db(transaction=True)
def test_parallel_attempts_are_counted_before_authentication(live_server, settings) -> None:
    """The attack: 20 simultaneous wrong passwords on the threaded server; before, all 20 were
    checked. Now exactly the limit's worth reach the password check."""
    from django.contrib.auth.models import User

    User.objects.create_user("target", password="right-horse-battery")
    url = live_server.url + reverse("login")
    session = requests.Session()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', session.get(url).text).group(1)

    def attempt(_: int) -> str:
        response = session.post(url, data={"username": "target", "password": "wrong",
                                           "csrfmiddlewaretoken": token}, headers={"Referer": url})
        return "limited" if "Too many failed sign-ins" in response.text else "checked"

    with ThreadPoolExecutor(20) as pool:
        outcomes = list(pool.map(attempt, range(20)))
    assert outcomes.count("checked") == settings.LOGIN_FAILURE_LIMIT, outcomes
