"""Django layering, read from the source: views parse input, call a service or selector, render.
No view writes through a model manager or saves or deletes a row itself (that is a service's job,
inside its transaction), and the report's progress block renders from its context without a query."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.template import Context, Template

ROOT = Path(__file__).resolve().parents[2]
WRITES = {"create", "get_or_create", "update_or_create", "bulk_create", "bulk_update", "update", "delete",
          "save", "save_base", "add", "remove", "clear", "set"}  # fmt: skip


def _view_modules() -> list[Path]:
    return sorted({*ROOT.glob("coaching/*/views.py"), *ROOT.glob("coaching/*/*_views.py")})


def _writes(tree: ast.AST) -> Iterator[tuple[int, str]]:
    """(line, call) of every ``<anything>.objects…<write>(…)`` and every ``<anything>.save()`` /
    ``.delete()`` call (a form's ``save()`` writes rows too)."""
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
            continue
        method, chain = node.func.attr, ast.unparse(node.func.value)
        if method in {"save", "delete"} or (method in WRITES and ".objects" in f".{chain}"):
            yield node.lineno, f"{chain}.{method}()"


@pytest.mark.parametrize("path", _view_modules(), ids=lambda p: p.relative_to(ROOT).as_posix())
def test_views_leave_writes_to_services(path: Path) -> None:
    assert list(_writes(ast.parse(path.read_text()))) == []


@pytest.mark.parametrize("path", _view_modules(), ids=lambda p: p.relative_to(ROOT).as_posix())
def test_views_read_through_selectors(path: Path) -> None:
    managers = [f"{node.lineno}: {ast.unparse(node)}" for node in ast.walk(ast.parse(path.read_text()))
                if isinstance(node, ast.Attribute) and node.attr == "objects"]
    assert managers == []


def test_the_write_scan_sees_manager_and_form_writes() -> None:
    sample = ast.parse("def v(r):\n    Video.objects.filter(pk=1).update(title='x')\n    form.save()\n"
                       "    Video.objects.filter(pk=1).first()\n    messages.success(r, 'ok')\n")
    assert list(_writes(sample)) == [(2, "Video.objects.filter(pk=1).update()"), (3, "form.save()")]


@pytest.mark.django_db
def test_progress_block_renders_from_its_context_without_queries(world, django_assert_num_queries) -> None:
    from coaching.analysis.models import Analysis
    from coaching.progress.selectors import ReportProgress
    from inference.compare.segments import Segment

    analysis = Analysis.objects.select_related("video__athlete").get(pk=world.analysis.pk)
    progress = ReportProgress("", [(0, Segment("whole", "squat", "Whole video", 0.0, 0.5, None))], None)
    template = Template("{% load progress_tags %}{% progress_block analysis progress %}")
    with django_assert_num_queries(0):
        html = template.render(Context({"analysis": analysis, "progress": progress, "can": {"view_team": True}}))
    assert "Whole video (squat)" in html and "Progress of Ann" in html and 'name="segment"' in html
