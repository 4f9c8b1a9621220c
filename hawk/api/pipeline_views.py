"""POST /hawk-agent/plan and /hawk-agent/context: the data phase without the analysis."""

from typing import Any

from drf_spectacular.utils import OpenApiExample, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from hawk.api.serializers import PromptRequestSerializer, validated_prompt_request
from hawk.pipeline.prepare import Prepared, PromptInput, prepare, understand_and_plan
from hawk.web.roles import CanRunPrompts
from hawk.web.throttling import AgentRateThrottle

EXAMPLE = OpenApiExample(
    "Capacity check", value={"user_prompt": "Check if I can hedge 150K CNY today"}
)


def plan_body(prepared: Prepared) -> dict[str, Any]:
    understanding = prepared.understanding.as_dict()
    choice = prepared.request.choice
    return {
        **prepared.plan.as_dict(),
        "confidence": understanding.get("confidence"),
        "evidence": understanding.get("evidence"),
        "clarification": understanding.get("clarification"),
        "template": choice.as_dict() if choice else None,
        "timings": prepared.timings,
    }


def context_body(prepared: Prepared) -> dict[str, Any]:
    assert prepared.extraction and prepared.facts and prepared.context
    return {
        **plan_body(prepared),
        "records": prepared.extraction.record_count,
        "by_source": prepared.extraction.by_source(),
        "extraction_ms": round(prepared.extraction.extraction_ms, 3),
        "cache": prepared.extraction.cache,
        "facts": prepared.facts.facts,
        "warnings": prepared.facts.warnings,
        "context": prepared.context.text,
        "context_chars": prepared.context.chars,
        "truncated": prepared.context.truncated,
    }


class AgentApi(APIView):
    permission_classes = [CanRunPrompts]
    throttle_classes = [AgentRateThrottle]

    def prompt_input(self, request: Request) -> PromptInput:
        return PromptInput.from_validated(
            validated_prompt_request(request.data), user_id=request.user.pk
        )


class PlanApi(AgentApi):
    @extend_schema(
        summary="Understand a prompt and plan its data reads (no data read, no LLM)",
        request=PromptRequestSerializer,
        responses={200: inline_serializer("Plan", {"intent": serializers.CharField()})},
        examples=[EXAMPLE],
    )
    def post(self, request: Request) -> Response:
        return Response(plan_body(understand_and_plan(self.prompt_input(request))))


class ContextApi(AgentApi):
    @extend_schema(
        summary="Run understand, plan, extract, facts and context (no LLM)",
        request=PromptRequestSerializer,
        responses={200: inline_serializer("Context", {"context": serializers.CharField()})},
        examples=[EXAMPLE],
    )
    def post(self, request: Request) -> Response:
        return Response(context_body(prepare(self.prompt_input(request))))
