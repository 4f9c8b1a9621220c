"""POST /hawk-agent/process-prompt (streaming or not) and the prompt-history endpoints."""

import json
import time
import uuid
from collections.abc import Mapping
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import QuerySet
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, serializers
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from hawk.analysis.dify import Rating
from hawk.api.agent_endpoint import AgentEndpoint, json_response
from hawk.api.pipeline_views import EXAMPLE, AgentApi
from hawk.api.serializers import PromptRequestSerializer, avalidated_run
from hawk.api.sse import first_event, sse_stream
from hawk.models import AgentRun
from hawk.pipeline.run import RunRequest, drain, run_events
from hawk.pipeline.run import control as run_control
from hawk.pipeline.run.feedback import forward_feedback, run_rate
from hawk.pipeline.run.history import run_list
from hawk.web.blocking import on_request_thread
from hawk.web.errors import STATUS_OF_CODE, HawkError
from hawk.web.inputs import PAGE_PARAMETERS, BoundedDateTimeField, checked_query
from hawk.web.roles import ADMIN, OPERATIONS, has_role

SSE_DESCRIPTION = (
    "With `stream: true` (the default) the response is `text/event-stream`: one "
    "`data: {json}` frame per event, in order hawk_plan, hawk_context, hawk_facts, "
    "[hawk_notice], message (repeated, Dify-compatible), [hawk_notice quality_warning], "
    "message_end (with quality: risk, layers, findings); or error. A `: ping` "
    "comment is sent at least every 15 s while waiting. With `stream: false`, one JSON object."
)

# Before OpenAPI 3.2 the schema of text/event-stream describes one event (SSE's fields), not the
# whole stream; our events carry their JSON in `data` and no `event:` field of SSE's own.
SSE_EVENT_SCHEMA = {
    "type": "object",
    "properties": {
        "data": {"type": "string", "description": "the event as JSON: {event, run_id, ...}"},
        "event": {"type": "string"},
        "id": {"type": "string"},
        "retry": {"type": "integer"},
    },
    "required": ["data"],
}


async def collect_run(run: RunRequest) -> dict[str, Any]:
    """The whole run as one JSON body (stream: false). A run stopped meanwhile (the stop
    endpoint) answers with what it had, as `status: cancelled`; a failed run is an error."""
    events: list[dict[str, Any]] = []
    try:
        async for event in run_events(run):
            events.append(event)
    except run_control.RunStopped:
        if run_control.take_reason(run.run_id) == drain.CODE:
            raise HawkError(
                drain.CODE, drain.MESSAGE, retry_after=drain.RETRY_AFTER_SECONDS
            ) from None
        return run_body(run, events, "cancelled")
    for event in events:
        if event["event"] == "error":
            raise failure_of(event)
    return run_body(run, events, "completed")


def failure_of(error: dict[str, Any]) -> HawkError:
    """A run's error event as the error response it becomes before any stream started."""
    code = error["code"] if error["code"] in STATUS_OF_CODE else "internal"
    return HawkError(code, error["message"])


def run_body(run: RunRequest, events: list[dict[str, Any]], status: str) -> dict[str, Any]:
    """The run's events as one object; what a stopped run never reached is null."""
    by_name = {event["event"]: event for event in events}
    plan, context = by_name.get("hawk_plan", {}), by_name.get("hawk_context", {})
    facts, end = by_name.get("hawk_facts", {}), by_name.get("message_end", {})
    return {
        "run_id": str(run.run_id),
        "status": status,
        "intent": plan.get("intent"),
        "parameters": plan.get("parameters"),
        "facts": facts.get("facts"),
        "warnings": facts.get("warnings", []),
        "answer": "".join(e["answer"] for e in events if e["event"] == "message"),
        "backend": end.get("backend"),
        "usage": end.get("metadata", {}).get("usage"),
        "timings": end.get("timings"),
        "quality": end.get("quality"),
        "records": context.get("records"),
        "cache": context.get("cache"),
        "answer_cache": end.get("answer_cache"),
        "notices": [e for e in events if e["event"] == "hawk_notice"],
    }


class EventStreamRenderer(BaseRenderer):
    """Lets `Accept: text/event-stream` (what SSE clients send) pass content negotiation; the
    stream itself is written by sse_stream, never by this renderer."""

    media_type = "text/event-stream"
    format = "sse"

    def render(
        self,
        data: Any,
        accepted_media_type: str | None = None,
        renderer_context: Mapping[str, Any] | None = None,
    ) -> bytes:
        return json.dumps(data, cls=DjangoJSONEncoder).encode()


class ProcessPromptApi(AgentApi):
    renderer_classes = [JSONRenderer, EventStreamRenderer]

    @extend_schema(
        summary="Run a prompt: understand, fetch, compute, analyse; streamed as SSE",
        description=SSE_DESCRIPTION,
        request=PromptRequestSerializer,
        responses={
            (200, "text/event-stream"): OpenApiResponse(
                SSE_EVENT_SCHEMA, description="the event stream (stream: true), one event each"
            ),
            (200, "application/json"): OpenApiResponse(
                OpenApiTypes.OBJECT, description="the whole run (stream: false)"
            ),
        },
        examples=[EXAMPLE],
    )
    async def post(self, request: Request) -> HttpResponse | StreamingHttpResponse:
        drain.refuse_new_runs()  # a draining worker (SIGTERM) takes no new run: 503
        # Validated before any stream starts: a bad body is a 400.
        run, stream = await avalidated_run(request.data, user_id=request.user.pk, channel="http")
        if not stream:
            return json_response(await collect_run(run))
        started = time.perf_counter()
        first, events = await first_event(run)
        if first is not None and first[0]["event"] == "error":
            await events.aclose()  # type: ignore[attr-defined]
            raise failure_of(first[0])
        # An async generator: Django streams it frame by frame (a sync one it would buffer
        # whole under ASGI) and cancels it when the client goes, which cancels the run.
        frames = sse_stream(first, events, started=started)
        response = StreamingHttpResponse(frames, content_type="text/event-stream")
        response["Cache-Control"] = "no-cache"
        response["X-Accel-Buffering"] = "no"
        response["X-Run-ID"] = str(run.run_id)
        return response


class RunSerializer(serializers.ModelSerializer):
    class Meta:
        model = AgentRun
        fields = [
            "run_id",
            "status",
            "channel",
            "prompt",
            "intent",
            "template_category",
            "parameters",
            "template",
            "template_version",
            "experiment",
            "variant",
            "session_id",
            "msg_uid",
            "instruction_id",
            "records",
            "cache_status",
            "answer_cache",
            "backend",
            "timings",
            "prompt_tokens",
            "completion_tokens",
            "total_price",
            "price_currency",
            "cost_estimated",
            "quality_score",
            "conversation_id",
            "message_id",
            "created_at",
            "finished_at",
        ]


class RunDetailSerializer(RunSerializer):
    class Meta(RunSerializer.Meta):
        fields = [
            *RunSerializer.Meta.fields,
            "answer",
            "plan",
            "usage",
            "quality",
            "error",
            "feedback_rating",
            "feedback_comment",
        ]


def sees_all_runs(request: Request) -> bool:
    return has_role(request.user, OPERATIONS, ADMIN)


class RunFilterSerializer(serializers.Serializer):
    session_id = serializers.CharField(required=False, max_length=100)
    intent = serializers.CharField(required=False, max_length=20)
    status = serializers.ChoiceField(choices=AgentRun.Status.choices, required=False)
    since = BoundedDateTimeField(required=False)
    msg_uid = serializers.CharField(required=False, max_length=100)
    instruction_id = serializers.CharField(required=False, max_length=50)


@extend_schema(
    summary="Your runs, newest first (operations see everyone's)",
    parameters=[
        OpenApiParameter("session_id", str),
        OpenApiParameter("intent", str),
        OpenApiParameter("status", str),
        OpenApiParameter("since", OpenApiTypes.DATETIME),
        OpenApiParameter("msg_uid", str, description="the Angular app's message uid"),
        OpenApiParameter("instruction_id", str, description="the instruction asked about"),
    ],
)
class RunListApi(generics.ListAPIView):
    serializer_class = RunSerializer

    def get_queryset(self) -> QuerySet[AgentRun]:
        filters = checked_query(RunFilterSerializer, self.request, also=PAGE_PARAMETERS)
        return run_list(user=self.request.user, all_users=sees_all_runs(self.request), **filters)


def own_run(request: Request, run_id: uuid.UUID) -> AgentRun:
    """The run, if the caller may see it; 404 otherwise (no hint that it exists)."""
    runs = run_list(user=request.user, all_users=sees_all_runs(request))
    return get_object_or_404(runs, run_id=run_id)


class RunDetailApi(APIView):
    @extend_schema(
        summary="One run with its answer, plan, timings, usage and quality",
        responses=RunDetailSerializer,
    )
    def get(self, request: Request, run_id: uuid.UUID) -> Response:
        return Response(RunDetailSerializer(own_run(request, run_id)).data)


class RunStopApi(AgentEndpoint):
    @extend_schema(
        summary="Stop a running run (your own; operations may stop any)",
        request=None,
        responses={200: OpenApiTypes.OBJECT},
    )
    async def post(self, request: Request, run_id: uuid.UUID) -> HttpResponse:
        return json_response(await on_request_thread(stop_run, request, run_id))


def stop_run(request: Request, run_id: uuid.UUID) -> dict[str, Any]:
    """Reads the run and raises the shared stop flag: blocking, for a thread."""
    run = own_run(request, run_id)
    if run.status != AgentRun.Status.RUNNING:
        raise HawkError("conflict", f"run {run_id} is {run.status}, not running")
    local = run_control.request_stop(run.run_id)
    return {"run_id": str(run_id), "stopping": True, "in_this_worker": local}


class FeedbackSerializer(serializers.Serializer):
    rating = serializers.ChoiceField(choices=["like", "dislike"], allow_null=True)
    comment = serializers.CharField(required=False, allow_blank=True, max_length=2000)


class RunFeedbackApi(AgentEndpoint):
    @extend_schema(
        summary="Rate your own answer; forwarded to Dify when Dify answered",
        request=FeedbackSerializer,
        responses={200: OpenApiTypes.OBJECT},
    )
    async def post(self, request: Request, run_id: uuid.UUID) -> HttpResponse:
        body = FeedbackSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        rating, comment = body.validated_data["rating"], body.validated_data.get("comment", "")
        run = await on_request_thread(store_feedback, request, run_id, rating, comment)
        forwarded, error = await forward_feedback(run, rating, comment)
        answer = {"run_id": str(run_id), "rating": rating, "forwarded_to_dify": forwarded}
        if error:
            answer["forward_error"] = error
        return json_response(answer)


def store_feedback(
    request: Request, run_id: uuid.UUID, rating: Rating | None, comment: str
) -> AgentRun:
    """Stored first: the rating is ours and must not depend on Dify being up."""
    run = own_run(request, run_id)  # operations see every run; a rating is the asker's
    run_rate(run, user_id=request.user.pk, rating=rating, comment=comment)
    return run
