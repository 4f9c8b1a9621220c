"""Running the golden set through the run service and scoring it against its thresholds."""

import time
from dataclasses import dataclass, field
from typing import Any

from hawk.api.serializers import validated_prompt_request
from hawk.evaluation.golden import GoldenCase, demo
from hawk.pipeline.run import RunRequest, run_events
from templates_app.models import PromptTemplate

# The thresholds that fail `hawk_eval` (a fraction of cases, or milliseconds).
THRESHOLDS = {
    "intent_accuracy": 1.0,
    "parameter_accuracy": 1.0,
    "facts_accuracy": 1.0,
    "number_check": 0.95,  # the lowest answer score of the number check (quality.py)
    "clarification_accuracy": 1.0,
    "first_event_ms": 1000.0,  # the slowest first event (hawk_plan)
    "total_ms": 5000.0,  # the slowest whole run
}
HIGHER_IS_BETTER = (
    "intent_accuracy",
    "parameter_accuracy",
    "facts_accuracy",
    "number_check",
    "clarification_accuracy",
)


@dataclass
class CaseResult:
    name: str
    intent_ok: bool
    parameters_ok: bool
    asked_ok: bool
    facts_checked: int
    facts_ok: int
    number_check: float
    first_event_ms: float
    total_ms: float
    problems: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def case_run(case: GoldenCase) -> RunRequest:
    """The case as a run request (reads the database: call it outside the event loop)."""
    return RunRequest.from_validated(request_body(case), user_id=None, channel="cli")


async def run_case(case: GoldenCase, run: RunRequest) -> CaseResult:
    started = time.perf_counter()
    first_ms, events = None, []
    async for event in run_events(run):
        first_ms = first_ms if first_ms is not None else _ms(started)
        events.append(event)
    return score_case(case, events, first_ms or 0.0, _ms(started))


def request_body(case: GoldenCase) -> dict[str, Any]:
    body: dict[str, Any] = {"user_prompt": case.prompt or case.name, "use_cache": False}
    if case.template:
        body["template_id"] = PromptTemplate.objects.get(name=case.template).pk
        body["template_variables"] = case.variables
    return validated_prompt_request({**body, **case.overrides})


def _ms(started: float) -> float:
    return round((time.perf_counter() - started) * 1000, 1)


def score_case(
    case: GoldenCase, events: list[dict[str, Any]], first_ms: float, total_ms: float
) -> CaseResult:
    by_name = {event["event"]: event for event in events}
    plan, facts = by_name.get("hawk_plan", {}), by_name.get("hawk_facts", {})
    end = by_name.get("message_end", {})
    problems = [f"error: {by_name['error']['message']}"] if "error" in by_name else []
    intent_ok = plan.get("intent") == case.intent
    if not intent_ok:
        problems.append(f"intent {plan.get('intent')} (want {case.intent})")
    wrong = [
        f"{name} {plan.get('parameters', {}).get(name)!r} (want {want!r})"
        for name, want in case.parameters.items()
        if plan.get("parameters", {}).get(name) != want
    ]
    asked = plan.get("clarification") is not None
    if asked != case.unclear:
        problems.append(f"asked {asked} (want {case.unclear})")
    facts_ok = 0
    for path, want in case.facts.items():
        expected = want(demo()) if callable(want) else want
        found = facts_value(facts.get("facts", {}), facts.get("warnings", []), path)
        facts_ok += found == expected
        if found != expected:
            problems.append(f"facts {path} = {found!r} (want {expected!r})")
    return CaseResult(
        case.name,
        intent_ok,
        not wrong,
        asked == case.unclear,
        len(case.facts),
        facts_ok,
        float((end.get("quality") or {}).get("score", 0.0)),
        first_ms,
        total_ms,
        problems + [f"parameter {item}" for item in wrong],
    )


def facts_value(facts: dict[str, Any], warnings: list[dict[str, str]], path: str) -> Any:
    """A value of the facts by a small path language: "a.b", "thresholds[TYPE/CUR].field",
    "warnings[CODE]" (present/absent), "inquiry.by_status[*].notional_by_currency"."""
    if path.startswith("warnings["):
        code = path[len("warnings[") : -1]
        return "present" if any(w["code"] == code for w in warnings) else "absent"
    if path.startswith("thresholds["):
        key, _, name = path[len("thresholds[") :].partition("].")
        kind, _, currency = key.partition("/")
        rows = [t for t in facts.get("thresholds") or [] if t["threshold_type"] == kind]
        row = next((t for t in rows if t["currency"] == currency), None)
        return None if row is None else row.get(name)
    if path == "inquiry.by_status[*].notional_by_currency":
        groups = (facts.get("inquiry") or {}).get("by_status") or []
        unique = all(_one_per_currency(group) for group in groups)
        return "one entry per currency" if groups and unique else "mixed"
    value: Any = facts
    for part in path.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    return value


def _one_per_currency(group: dict[str, Any]) -> bool:
    currencies = [part["currency"] for part in group.get("notional_by_currency") or []]
    mixed = len(currencies) > 1
    return len(currencies) == len(set(currencies)) and (group["notional"] is None) == mixed


def summary(results: list[CaseResult]) -> dict[str, float]:
    count = len(results) or 1
    checked = sum(result.facts_checked for result in results) or 1
    return {
        "intent_accuracy": sum(r.intent_ok for r in results) / count,
        "parameter_accuracy": sum(r.parameters_ok for r in results) / count,
        "facts_accuracy": sum(r.facts_ok for r in results) / checked,
        "number_check": min((r.number_check for r in results), default=1.0),
        "clarification_accuracy": sum(r.asked_ok for r in results) / count,
        "first_event_ms": max((r.first_event_ms for r in results), default=0.0),
        "total_ms": max((r.total_ms for r in results), default=0.0),
    }


def failed_thresholds(scores: dict[str, float]) -> list[str]:
    failed = []
    for name, limit in THRESHOLDS.items():
        ok = scores[name] >= limit if name in HIGHER_IS_BETTER else scores[name] <= limit
        if not ok:
            failed.append(f"{name} {scores[name]:.4g} (threshold {limit:g})")
    return failed
