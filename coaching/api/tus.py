"""The tus 1.0 protocol over HTTP (core, creation, termination, expiration, checksum): headers
in, headers out; the work is coaching.api.uploads. Creation is per athlete
(``/athletes/<id>/uploads/``, the upload permission of the role table); an upload's URL answers
only the user who made it. GET on it (not part of tus) says what became of it: the video, or
why the finished file was refused."""

from __future__ import annotations

import base64
import binascii
import re
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.urls import reverse
from django.utils.http import http_date
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from coaching.api.access import athlete_or_404, one, require
from coaching.api.models import TusUpload, UploadState
from coaching.api.uploads import (
    CHECKSUMS,
    Chunk,
    UploadError,
    upload_create,
    upload_delete,
    upload_expires_at,
    upload_list_for_user,
    upload_write,
)
from coaching.athletes.permissions import Action

TUS_VERSION = "1.0.0"
EXTENSIONS = "creation,termination,expiration,checksum"
OFFSET_TYPE = "application/offset+octet-stream"
_DIGITS = re.compile(r"\d{1,19}")
REASONS = {460: "Checksum Mismatch"}  # tus 1.0 checksum extension


class AuthenticatedExceptOptions(BasePermission):
    """OPTIONS tells what the server supports (tus discovery): no credentials needed."""

    def has_permission(self, request: Any, view: Any) -> bool:
        return request.method == "OPTIONS" or bool(request.user and request.user.is_authenticated)


def _tus(response: HttpResponse, **headers: str) -> HttpResponse:
    response["Tus-Resumable"] = TUS_VERSION
    for name, value in headers.items():
        response[name.replace("_", "-")] = value
    return response


def _error(message: str, status: int) -> HttpResponse:
    response = HttpResponse(message, status=status, content_type="text/plain; charset=utf-8",
                            reason=REASONS.get(status))
    if status == 412:
        response["Tus-Version"] = TUS_VERSION
    return _tus(response)


def _number(request: Request, header: str) -> int:
    value = request.headers.get(header, "")
    if not _DIGITS.fullmatch(value):
        raise UploadError(f"{header} must be a whole number of bytes.", 400)
    return int(value)


def _metadata(value: str) -> dict[str, str]:
    """Upload-Metadata: comma-separated "key base64(value)" pairs."""
    found: dict[str, str] = {}
    for pair in filter(None, (p.strip() for p in value.split(","))):
        key, _, encoded = pair.partition(" ")
        try:
            found[key] = base64.b64decode(encoded, validate=True).decode("utf-8")[:2000] if encoded else ""
        except (binascii.Error, UnicodeDecodeError):
            raise UploadError(f"Upload-Metadata: the value of {key[:40]!r} is not base64 UTF-8.", 400) from None
    return found


def _checksum(value: str) -> tuple[str, bytes] | None:
    if not value:
        return None
    algorithm, _, encoded = value.strip().partition(" ")
    if algorithm not in CHECKSUMS:
        raise UploadError(f"Upload-Checksum: use one of {', '.join(CHECKSUMS)}.", 400)
    try:
        return algorithm, base64.b64decode(encoded, validate=True)
    except binascii.Error:
        raise UploadError("Upload-Checksum: the digest is not base64.", 400) from None


def _protocol_checked(request: Request) -> HttpResponse | None:
    if request.headers.get("Tus-Resumable") != TUS_VERSION:
        return _error(f"Send Tus-Resumable: {TUS_VERSION}.", 412)
    return None


def _options() -> HttpResponse:
    return _tus(HttpResponse(status=204), Tus_Version=TUS_VERSION, Tus_Extension=EXTENSIONS,
                Tus_Max_Size=str(settings.UPLOAD_MAX_BYTES),
                Tus_Checksum_Algorithm=",".join(CHECKSUMS))


class UploadStatus(serializers.Serializer):
    id = serializers.UUIDField()
    athlete = serializers.IntegerField()
    offset = serializers.IntegerField()
    length = serializers.IntegerField()
    state = serializers.ChoiceField(choices=UploadState.choices)
    error = serializers.CharField()
    video = serializers.IntegerField(allow_null=True)
    video_url = serializers.CharField(allow_null=True)
    expires = serializers.DateTimeField()


def _status(upload: TusUpload) -> dict[str, Any]:
    return {"id": upload.id, "athlete": upload.athlete_id, "offset": upload.offset,
            "length": upload.length, "state": upload.state, "error": upload.error,
            "video": upload.video_id,
            "video_url": reverse("video_detail", args=[upload.video_id]) if upload.video_id else None,
            "expires": upload_expires_at(upload)}


class UploadCreate(APIView):
    permission_classes = [AuthenticatedExceptOptions]

    def options(self, request: Request, *args: Any, **kwargs: Any) -> HttpResponse:
        return _options()

    @extend_schema(
        request=None, responses={201: None},
        parameters=[OpenApiParameter("Tus-Resumable", str, OpenApiParameter.HEADER, required=True),
                    OpenApiParameter("Upload-Length", int, OpenApiParameter.HEADER, required=True),
                    OpenApiParameter("Upload-Metadata", str, OpenApiParameter.HEADER, required=True,
                                     description="filename (required), title, recorded_on, notes, "
                                     "movement, backend; values base64")],
        description="tus 1.0 creation: answers 201 with the upload's URL in Location.")
    def post(self, request: Request, athlete_id: int) -> HttpResponse:
        athlete = athlete_or_404(request.user, athlete_id)
        require(request.user, athlete.team, Action.UPLOAD, athlete)
        if (refused := _protocol_checked(request)) is not None:
            return refused
        try:
            upload = upload_create(user=request.user, athlete=athlete,
                                   length=_number(request, "Upload-Length"),
                                   metadata=_metadata(request.headers.get("Upload-Metadata", "")))
        except UploadError as exc:
            return _error(str(exc), exc.status)
        except ValidationError as exc:
            return _error(" ".join(exc.messages), 400)
        location = request.build_absolute_uri(reverse("api_upload", args=[upload.id]))
        return _tus(HttpResponse(status=201), Location=location,
                    Upload_Expires=http_date(upload_expires_at(upload).timestamp()),
                    PoseCoach_Chunk_Size=str(settings.API_TUS_CHUNK_BYTES))


class UploadResource(APIView):
    permission_classes = [AuthenticatedExceptOptions]

    def _upload(self, request: Request, upload_id: Any) -> TusUpload:
        upload = one(upload_list_for_user(user=request.user), upload_id)
        require(request.user, upload.athlete.team, Action.UPLOAD, upload.athlete)
        return upload

    def options(self, request: Request, *args: Any, **kwargs: Any) -> HttpResponse:
        return _options()

    @extend_schema(responses=UploadStatus)
    def get(self, request: Request, upload_id: Any) -> Response:
        """Not tus: what the upload became (the video's id and page, or why it was refused)."""
        return Response(UploadStatus(_status(self._upload(request, upload_id))).data)

    @extend_schema(exclude=True)
    def head(self, request: Request, upload_id: Any) -> HttpResponse:
        upload = self._upload(request, upload_id)
        if (refused := _protocol_checked(request)) is not None:
            return refused
        if upload.state == UploadState.RECEIVING and not upload.temp_path.exists():
            return _error("This upload expired; start it again.", 410)
        response = _tus(HttpResponse(status=200), Upload_Offset=str(upload.offset),
                        Upload_Length=str(upload.length), Cache_Control="no-store",
                        Upload_Expires=http_date(upload_expires_at(upload).timestamp()))
        return response

    @extend_schema(
        request={OFFSET_TYPE: OpenApiTypes.BINARY}, responses={204: None},
        parameters=[OpenApiParameter("Tus-Resumable", str, OpenApiParameter.HEADER, required=True),
                    OpenApiParameter("Upload-Offset", int, OpenApiParameter.HEADER, required=True),
                    OpenApiParameter("Upload-Checksum", str, OpenApiParameter.HEADER,
                                     description="sha1|sha256|md5 base64(digest) of this chunk")],
        description="tus 1.0: append the body at Upload-Offset. The last chunk validates and "
                    "stores the video (400 with the reason when it is refused).")
    def patch(self, request: Request, upload_id: Any) -> HttpResponse:
        upload = self._upload(request, upload_id)
        if (refused := _protocol_checked(request)) is not None:
            return refused
        if request.content_type.split(";")[0].strip() != OFFSET_TYPE:
            return _error(f"Send the bytes as Content-Type: {OFFSET_TYPE}.", 415)
        declared = request.META.get("CONTENT_LENGTH") or ""
        try:
            chunk = Chunk(offset=_number(request, "Upload-Offset"), stream=request._request,
                          length=int(declared) if declared.isdigit() else None,
                          checksum=_checksum(request.headers.get("Upload-Checksum", "")))
            upload = upload_write(upload=upload, chunk=chunk)
        except UploadError as exc:
            return _error(str(exc), exc.status)
        headers = {"Upload_Offset": str(upload.offset),
                   "Upload_Expires": http_date(upload_expires_at(upload).timestamp())}
        if upload.state == UploadState.FAILED:
            return _tus(HttpResponse(upload.error, status=400, content_type="text/plain; charset=utf-8"),
                        **headers)
        if upload.state == UploadState.DONE and upload.video_id:
            headers["PoseCoach_Video"] = reverse("video_detail", args=[upload.video_id])
        return _tus(HttpResponse(status=204), **headers)

    @extend_schema(responses={204: None},
                   parameters=[OpenApiParameter("Tus-Resumable", str, OpenApiParameter.HEADER, required=True)],
                   description="tus 1.0 termination: the upload and its bytes are deleted.")
    def delete(self, request: Request, upload_id: Any) -> HttpResponse:
        upload = self._upload(request, upload_id)
        if (refused := _protocol_checked(request)) is not None:
            return refused
        upload_delete(upload=upload)
        return _tus(HttpResponse(status=204))
