from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_GET

from coaching.analysis.selectors import analysis_list_visible
from coaching.serving import serve_field_file

ANALYSIS_FILES = ("proxy", "poster", "poses", "overlay")


@login_required
@require_GET
def analysis_file(request: HttpRequest, analysis_id: int, kind: str) -> HttpResponseBase:
    analysis = get_object_or_404(analysis_list_visible(user=request.user), pk=analysis_id)
    if kind not in ANALYSIS_FILES:
        raise Http404("No such file.")
    return serve_field_file(request, getattr(analysis, kind))
