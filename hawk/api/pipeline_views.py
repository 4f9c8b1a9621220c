"""POST /hawk-agent/plan and /hawk-agent/context: the data phase without the analysis."""

from typing import Any

from django.http import HttpResponse
from drf_spectacular.utils import OpenApiExample, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.request import Request

from hawk.api.agent_endpoint import AgentEndpoint, json_response
from hawk.api.serializers import PromptRequestSerializer, validated_prompt_request
from hawk.pipeline.prepare import (
    PromptInput,
    context_body,
    plan_body,
    prepare,
    understand_and_plan,
)
from hawk.web.blocking import on_request_thread
from hawk.web.roles import RUN_PROMPTS

EXAMPLE = OpenApiExample(
    "Capacity check", value={"user_prompt": "Check if I can hedge 150K CNY today"}
)


class AgentApi(AgentEndpoint):
    needed_permission = RUN_PROMPTS
    rate_limited = True


def prompt_input(data: Any, user_id: int | None) -> PromptInput:
    """The validated input (a template's reads the template): blocking."""
    return PromptInput.from_validated(validated_prompt_request(data), user_id=user_id)


def planned(data: Any, user_id: int | None) -> dict[str, Any]:
    """Understanding reads templates and the entity list: blocking."""
    return plan_body(understand_and_plan(prompt_input(data, user_id)))


def prepared_context(data: Any, user_id: int | None) -> dict[str, Any]:
    return context_body(prepare(prompt_input(data, user_id)))


class PlanApi(AgentApi):
    @extend_schema(
        summary="Understand a prompt and plan its data reads (no data read, no LLM)",
        request=PromptRequestSerializer,
        responses={200: inline_serializer("Plan", {"intent": serializers.CharField()})},
        examples=[EXAMPLE],
    )
    async def post(self, request: Request) -> HttpResponse:
        # All of it on the request's thread in one hop, its connection given back after.
        return json_response(await on_request_thread(planned, request.data, request.user.pk))


class ContextApi(AgentApi):
    @extend_schema(
        summary="Run understand, plan, extract, facts and context (no LLM)",
        request=PromptRequestSerializer,
        responses={200: inline_serializer("Context", {"context": serializers.CharField()})},
        examples=[EXAMPLE],
    )
    async def post(self, request: Request) -> HttpResponse:
        body = await on_request_thread(prepared_context, request.data, request.user.pk)
        return json_response(body)
