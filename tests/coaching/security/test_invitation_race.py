"""Issue 21 item 10 (built in coaching/athletes/invitations.py): parallel sign-ups on one
invitation link used to make one membership but several stray accounts. Real parallel requests
on the threaded live server; on PostgreSQL (CI) they truly overlap in the database."""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from django.contrib.auth.models import User
from django.urls import reverse

from coaching.athletes.invitations import invitation_create
from coaching.athletes.models import Membership, Role

PASSWORD = "long-enough-pw-42"


@pytest.mark.django_db(transaction=True)
def test_parallel_signups_on_one_link_leave_one_account(live_server, world) -> None:
    invitation = invitation_create(team=world.team, role=Role.ASSISTANT_COACH, created_by=world.coach)
    url = live_server.url + reverse("invitation_accept", args=[invitation.token])

    def open_form() -> tuple[requests.Session, str]:
        session = requests.Session()
        page = session.get(url)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
        assert page.status_code == 200 and token, (page.status_code, page.text[:300])
        return session, token.group(1)

    # The forms are opened one after another; the race is in the sign-ups, sent all at once.
    forms = [open_form() for _ in range(8)]

    def sign_up(n: int) -> int:
        session, token = forms[n]
        return session.post(url, data={"username": f"racer{n}", "password1": PASSWORD,
                                       "password2": PASSWORD, "csrfmiddlewaretoken": token},
                            headers={"Referer": url}, allow_redirects=False).status_code

    with ThreadPoolExecutor(8) as pool:
        statuses = list(pool.map(sign_up, range(8)))
    assert statuses.count(302) == 1, statuses
    assert User.objects.filter(username__startswith="racer").count() == 1
    assert Membership.objects.filter(team=world.team, role=Role.ASSISTANT_COACH).count() == 1
