"""Prompt history: every run is recorded, also failed and cancelled ones (services and
selectors over AgentRun)."""

import datetime
import uuid
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from hawk.analysis.cost import RunCost
from hawk.models import AgentRun
from hawk.models.statements import insert, update
from templates_app.experiments import TemplateChoice
from templates_app.services import template_count_use


def run_create(
    *,
    run_id: uuid.UUID,
    user_id: int | None,
    channel: str,
    prompt: str,
    session_id: str,
    conversation_id: str,
    choice: TemplateChoice | None,
    plan: dict[str, Any],
    msg_uid: str = "",
    instruction_id: str = "",
) -> None:
    """The run's history row; a template's usage is counted here, once per run."""
    template = choice.template if choice else None
    insert(
        AgentRun,
        dict(
            run_id=run_id,
            user_id=user_id,
            channel=channel,
            prompt=prompt,
            session_id=session_id,
            conversation_id=conversation_id,
            msg_uid=msg_uid,
            instruction_id=instruction_id,
            template=template,
            template_version=template.version if template else None,
            experiment_id=choice.experiment_id if choice else None,
            variant=choice.variant if choice else "",
            intent=plan["intent"],
            template_category=plan.get("template_category") or "",
            parameters=plan["parameters"],
            plan=plan,
        ),
    )
    if template is not None:
        template_count_use(template_id=template.pk)


def _price(usage: dict[str, Any]) -> Decimal:
    try:
        return Decimal(str(usage.get("total_price") or "0"))
    except InvalidOperation:
        return Decimal(0)


def _cost_fields(usage: dict[str, Any], cost: RunCost | None) -> dict[str, Any]:
    """The run's tokens and price: Dify's usage, or the estimate's own tokens."""
    tokens = (int(usage.get("prompt_tokens") or 0), int(usage.get("completion_tokens") or 0))
    if cost is not None and cost.estimated:
        tokens = (cost.prompt_tokens, cost.completion_tokens)
    return {
        "prompt_tokens": tokens[0],
        "completion_tokens": tokens[1],
        "total_price": cost.usd if cost is not None else _price(usage),
        "price_currency": "USD" if cost is not None else str(usage.get("currency") or "")[:3],
        "cost_estimated": cost is not None and cost.estimated,
        "reserved_usd": 0,  # the budget reservation is settled by the recorded price
    }


def run_finish(
    *,
    run_id: uuid.UUID,
    status: str,
    answer: str,
    usage: dict[str, Any] | None = None,
    quality: dict[str, Any] | None = None,
    error: dict[str, Any] | None = None,
    cost: RunCost | None = None,
    **fields: Any,
) -> None:
    """The final state of a run: what was answered (also a partial answer), usage, quality.
    `cost` is the run's cost (hawk.analysis.cost); without it, Dify's price as given."""
    usage = usage or {}
    update(
        AgentRun,
        run_id,
        dict(
            status=status,
            answer=answer,
            usage=usage,
            **_cost_fields(usage, cost),
            quality=quality or {},
            quality_score=Decimal(str(quality["score"])) if quality else None,
            error=error or {},
            finished_at=timezone.now(),
            **fields,
        ),
    )


def run_list(
    *,
    user: Any,
    all_users: bool,
    session_id: str | None = None,
    intent: str | None = None,
    status: str | None = None,
    since: datetime.datetime | None = None,
    msg_uid: str | None = None,
    instruction_id: str | None = None,
) -> QuerySet[AgentRun]:
    runs = AgentRun.objects.all() if all_users else AgentRun.objects.filter(user=user)
    filters = {
        "session_id": session_id,
        "intent": intent,
        "status": status,
        "msg_uid": msg_uid,
        "instruction_id": instruction_id,
    }
    runs = runs.filter(**{name: value for name, value in filters.items() if value})
    if since is not None:
        runs = runs.filter(created_at__gte=since)
    return runs.order_by("-created_at")
