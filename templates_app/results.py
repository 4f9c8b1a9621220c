"""How the variants of an experiment compare: per-variant figures over its runs, and a
two-proportion z-test on the like rate (no winner before it is significant at 0.05)."""

import math
from typing import Any

from django.db.models import Avg, Count, Q, Sum

from hawk.analysis.cost import usd_text
from hawk.models import AgentRun
from templates_app.models import Experiment

SIGNIFICANCE = 0.05


def percentile(values: list[float], fraction: float) -> float | None:
    """Nearest-rank percentile; None without values."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, math.ceil(fraction * len(ordered)))
    return ordered[rank - 1]


def two_proportion_p_value(likes_a: int, n_a: int, likes_b: int, n_b: int) -> float | None:
    """Two-sided p-value of the pooled two-proportion z-test; None when it cannot be computed
    (a variant without ratings, or every rating the same)."""
    if n_a == 0 or n_b == 0:
        return None
    pooled = (likes_a + likes_b) / (n_a + n_b)
    spread = math.sqrt(pooled * (1 - pooled) * (1 / n_a + 1 / n_b))
    if spread == 0:
        return None
    z = (likes_a / n_a - likes_b / n_b) / spread
    return math.erfc(abs(z) / math.sqrt(2))


def _timing(runs: list[Any], name: str) -> list[float]:
    values = [(run["timings"] or {}).get(name) for run in runs]
    return [float(value) for value in values if isinstance(value, (int, float))]


def variant_figures(experiment: Experiment, label: str) -> dict[str, Any]:
    runs = AgentRun.objects.filter(experiment=experiment, variant=label)
    counts = runs.aggregate(
        runs=Count("pk"),
        completed=Count("pk", filter=Q(status=AgentRun.Status.COMPLETED)),
        failed=Count("pk", filter=Q(status=AgentRun.Status.FAILED)),
        likes=Count("pk", filter=Q(feedback_rating="like")),
        dislikes=Count("pk", filter=Q(feedback_rating="dislike")),
        quality_mean=Avg("quality_score"),
        tokens_in=Sum("prompt_tokens"),
        tokens_out=Sum("completion_tokens"),
        cost_usd=Sum("total_price", filter=Q(price_currency__in=["USD", ""])),
    )
    completed = list(runs.filter(status=AgentRun.Status.COMPLETED).values("timings"))
    rated = counts["likes"] + counts["dislikes"]
    totals, first_tokens = _timing(completed, "total_ms"), _timing(completed, "first_token_ms")
    quality = counts["quality_mean"]
    return {
        "variant": label,
        **{name: counts[name] for name in ("runs", "completed", "failed", "likes", "dislikes")},
        "like_rate": round(counts["likes"] / rated, 4) if rated else None,
        "quality_mean": round(float(quality), 4) if quality is not None else None,
        "total_ms_p50": percentile(totals, 0.5),
        "total_ms_p95": percentile(totals, 0.95),
        "first_token_ms_p50": percentile(first_tokens, 0.5),
        "tokens_in": counts["tokens_in"] or 0,
        "tokens_out": counts["tokens_out"] or 0,
        "cost_usd": usd_text(counts["cost_usd"]),
    }


def comparison(variants: list[dict[str, Any]]) -> dict[str, Any]:
    """The two variants with the most ratings compared on like rate (with more than two, the
    best-rated pair: one test, no multiple-comparison juggling)."""
    rated = sorted(variants, key=lambda v: v["likes"] + v["dislikes"], reverse=True)[:2]
    result: dict[str, Any] = {"metric": "like_rate", "p_value": None, "winner": None}
    if len(rated) < 2:
        return result
    a, b = rated
    p_value = two_proportion_p_value(
        a["likes"], a["likes"] + a["dislikes"], b["likes"], b["likes"] + b["dislikes"]
    )
    result["p_value"] = round(p_value, 6) if p_value is not None else None
    if p_value is not None and p_value < SIGNIFICANCE:
        result["winner"] = max((a, b), key=lambda v: v["like_rate"] or 0)["variant"]
    return result


def experiment_results(experiment: Experiment) -> dict[str, Any]:
    variants = [
        {**variant_figures(experiment, v.label), "template_id": v.template_id, "weight": v.weight}
        for v in experiment.variants.all()
    ]
    return {
        "experiment_id": experiment.pk,
        "name": experiment.name,
        "status": experiment.status,
        "variants": variants,
        "comparison": comparison(variants),
    }
