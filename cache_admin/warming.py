"""Warm the data cache with what people ask most: the plans of the most used (intent,
template, currency) of recent prompt history, extracted through the normal cache path."""

import datetime
from typing import Any

from django.conf import settings
from django.db.models import CharField, Count, Q, Value
from django.db.models.expressions import Case, When
from django.db.models.fields.json import KT
from django.utils import timezone

from hawk.models import AgentRun
from hawk.pipeline.business_date import current_business_date
from hawk.pipeline.extract import extract
from hawk.pipeline.plan import make_plan
from templates_app.models import PromptTemplate

HISTORY_DAYS = 30


# The currency of a run's parameters as text, None when absent or JSON null. KT alone will not
# do: on SQLite Django renders a JSON null as the text 'null' (JSON_TYPE), and the warm-up
# then cached plans for a currency called 'null' (rate pairs such as SGDnull).
RUN_CURRENCY = Case(
    When(Q(parameters__currency=None) | Q(parameters__currency__isnull=True), then=Value(None)),
    default=KT("parameters__currency"),
    output_field=CharField(),
)


def most_asked(*, limit: int, days: int = HISTORY_DAYS) -> list[dict[str, Any]]:
    """The most frequent (intent, template, currency) of the last `days`; one query. The
    currency is None for runs that named none."""
    since = timezone.now() - datetime.timedelta(days=days)
    runs = AgentRun.objects.filter(created_at__gte=since).exclude(intent="")
    grouped = (
        runs.annotate(currency=RUN_CURRENCY)
        .values("intent", "template_id", "currency")
        .annotate(runs=Count("pk"))
        .order_by("-runs", "intent", "currency")
    )
    return list(grouped[:limit])


def cache_warm(*, limit: int = 20) -> dict[str, Any]:
    """Extracts each popular plan once (a hit costs nothing; a miss fills the cache)."""
    business_date = current_business_date(None)
    popular = most_asked(limit=limit)
    templates = PromptTemplate.objects.in_bulk(
        [p["template_id"] for p in popular if p["template_id"]]
    )
    warmed = []
    for entry in popular:
        template = templates.get(entry["template_id"])
        requirements = (template.data_requirements or {}) if template else {}
        plan = make_plan(
            intent=entry["intent"],
            template_category=None,
            parameters={"currency": entry["currency"]} if entry["currency"] else {},
            business_date=business_date,
            required_sources=tuple(requirements.get("sources", ())),
            rollover_days=settings.HAWK_ROLLOVER_WINDOW_DAYS,
        )
        extraction = extract(plan)
        warmed.append({**entry, "sources": plan.source_names(), "cache": extraction.cache})
    return {"business_date": business_date.isoformat(), "warmed": warmed}
