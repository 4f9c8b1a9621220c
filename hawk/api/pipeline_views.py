"""POST /hawk-agent/plan and /hawk-agent/context: the data phase without the analysis."""

from asgiref.sync import sync_to_async
from django.http import HttpResponse
from drf_spectacular.utils import OpenApiExample, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.request import Request

from hawk.api.agent_endpoint import AgentEndpoint, json_response
from hawk.api.serializers import PromptRequestSerializer, avalidated_prompt_request
from hawk.pipeline.prepare import (
    PromptInput,
    context_body,
    plan_body,
    prepare,
    understand_and_plan,
)
from hawk.web.roles import RUN_PROMPTS

EXAMPLE = OpenApiExample(
    "Capacity check", value={"user_prompt": "Check if I can hedge 150K CNY today"}
)


class AgentApi(AgentEndpoint):
    needed_permission = RUN_PROMPTS
    rate_limited = True

    async def prompt_input(self, request: Request) -> PromptInput:
        data = await avalidated_prompt_request(request.data)
        # A template's input reads the template: in a thread.
        return await sync_to_async(PromptInput.from_validated)(data, user_id=request.user.pk)


class PlanApi(AgentApi):
    @extend_schema(
        summary="Understand a prompt and plan its data reads (no data read, no LLM)",
        request=PromptRequestSerializer,
        responses={200: inline_serializer("Plan", {"intent": serializers.CharField()})},
        examples=[EXAMPLE],
    )
    async def post(self, request: Request) -> HttpResponse:
        prompt = await self.prompt_input(request)
        # Understanding reads templates and the entity list: in a thread, as before.
        return json_response(await sync_to_async(lambda: plan_body(understand_and_plan(prompt)))())


class ContextApi(AgentApi):
    @extend_schema(
        summary="Run understand, plan, extract, facts and context (no LLM)",
        request=PromptRequestSerializer,
        responses={200: inline_serializer("Context", {"context": serializers.CharField()})},
        examples=[EXAMPLE],
    )
    async def post(self, request: Request) -> HttpResponse:
        prompt = await self.prompt_input(request)
        return json_response(await sync_to_async(lambda: context_body(prepare(prompt)))())
