"""POST /hawk-agent/plan and /hawk-agent/context: the data phase without the analysis."""

from drf_spectacular.utils import OpenApiExample, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from hawk.api.serializers import PromptRequestSerializer, validated_prompt_request
from hawk.pipeline.prepare import (
    PromptInput,
    context_body,
    plan_body,
    prepare,
    understand_and_plan,
)
from hawk.web.roles import CanRunPrompts
from hawk.web.throttling import AgentRateThrottle

EXAMPLE = OpenApiExample(
    "Capacity check", value={"user_prompt": "Check if I can hedge 150K CNY today"}
)


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
