"""Phone and desktop in real Chromium: no page scrolls sideways at 390×844, the nav fits a
phone, the dashboard table does not overflow; each file of an upload batch carries its own
movement and engine; the angle CSV downloads under a real name; a comment's author is not
"coach Coach"."""

from __future__ import annotations

import base64

import pytest

from tests.support import signed_in_page, wait_js

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]


def _pages(world) -> list[str]:
    t, a, v, n = world.team.pk, world.ann.pk, world.video.pk, world.analysis.pk
    return ["/", f"/teams/{t}/", f"/teams/{t}/members/", f"/teams/{t}/moves/", f"/teams/{t}/dashboard/",
            f"/teams/{t}/references/", f"/athletes/{a}/", f"/athletes/{a}/edit/", f"/teams/{t}/athletes/new/",
            f"/athletes/{a}/progress/", f"/athletes/{a}/upload/", f"/videos/{v}/", f"/analyses/{n}/report/",
            f"/analyses/{n}/compare/", "/reviews/unread/", "/accounts/password/", "/teams/new/"]


OVERFLOW = "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"


def test_no_page_scrolls_sideways_on_a_phone(browser, live_server, world) -> None:
    from coaching.athletes.services import athlete_create

    # A long name and several athletes: the dashboard's table has something to overflow with.
    athlete_create(team=world.team, name="Alexandra Konstantinopoulou-Wainwright", height_cm=181)
    page = signed_in_page(browser, live_server, viewport=(390, 844))
    nav = page.locator(".topbar").bounding_box()
    assert nav is not None and nav["height"] < 90, f"the top bar takes {nav} on a phone"
    for url in _pages(world):
        page.goto(live_server.url + url)
        page.wait_for_timeout(200)
        assert page.evaluate(OVERFLOW) <= 0, f"{url} scrolls sideways on a phone"
    page.goto(f"{live_server.url}/teams/{world.team.pk}/dashboard/")
    table = page.locator("table.dashboard").bounding_box()
    assert table is not None and table["x"] >= 0 and table["x"] + table["width"] <= 390
    login = browser.new_page(viewport={"width": 390, "height": 844})
    login.goto(live_server.url + "/accounts/login/")
    assert login.evaluate(OVERFLOW) <= 0
    assert not page.errors


def test_each_file_of_a_batch_has_its_own_movement_and_engine(browser, live_server, world, make_clip) -> None:
    sent: list[dict[str, str]] = []

    def capture(route) -> None:  # noqa: ANN001 - each file's tus creation names its fields
        if route.request.method == "POST":
            pairs = (p.split(" ") for p in route.request.headers["upload-metadata"].split(","))
            sent.append({k: base64.b64decode(v).decode() for k, v in pairs})
        route.continue_()

    page = signed_in_page(browser, live_server)
    page.goto(f"{live_server.url}/athletes/{world.ann.pk}/upload/")
    page.wait_for_selector("#upload-form[data-ready=true]")
    page.route("**/uploads/", capture)
    movements = page.eval_on_selector_all("#upload-form select[name=movement] option", "os => os.map(o => o.value)")
    backends = page.eval_on_selector_all("#upload-form select[name=backend] option", "os => os.map(o => o.value)")
    chosen = [m for m in movements if m][:2]
    page.select_option("#upload-form select[name=movement]", chosen[0])
    page.set_input_files("#file-input", [str(make_clip()), str(make_clip())])
    items = page.locator(".upload")
    assert items.count() == 2
    assert items.nth(0).locator("select[data-field=movement]").input_value() == chosen[0]
    items.nth(1).locator("select[data-field=movement]").select_option(chosen[1])
    items.nth(1).locator("select[data-field=backend]").select_option(backends[-1])
    page.click("#upload-button")
    wait_js(page, "() => document.querySelectorAll('.upload.done').length === 2")
    assert len(sent) == 2
    assert sent[0]["movement"] == chosen[0] and sent[1]["movement"] == chosen[1]
    assert sent[1]["backend"] == backends[-1]
    assert sent[0]["backend"] == page.eval_on_selector("#upload-form select[name=backend]", "s => s.value")


def test_angle_csv_downloads_with_a_real_name(browser, live_server, world) -> None:
    from django.core.files.base import ContentFile

    world.analysis.angles_csv.save("angles.csv", ContentFile(b"t,left_knee\n0,170\n"), save=True)
    page = signed_in_page(browser, live_server)
    page.goto(f"{live_server.url}/analyses/{world.analysis.pk}/report/")
    page.click("#downloads-fold > summary")
    with page.expect_download() as info:
        page.click("#angles-csv")
    day = world.video.created_at.date().isoformat()  # the athlete, the title, the (upload) day
    assert info.value.suggested_filename == f"ann-squat-{day}-angles.csv"


def test_comment_author_is_not_coach_coach(browser, live_server, world) -> None:
    page = signed_in_page(browser, live_server)
    page.goto(f"{live_server.url}/videos/{world.video.pk}/")
    page.wait_for_selector("#review[data-loaded=true]")
    page.fill("#comment-body", "Knees out on the way down.")
    page.click("#comment-form button[type=submit]")
    page.wait_for_selector("#comment-list li")
    head = page.inner_text("#comment-list .comment-head")
    assert "coach" in head and "coach Coach" not in head.replace("\n", " ")
