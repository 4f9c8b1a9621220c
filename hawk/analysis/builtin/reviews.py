"""Report sections of reviews: threshold standing and hedge effectiveness."""

from typing import Any

from hawk.analysis.builtin.markdown import MISSING, amount, bold, day, table, text
from hawk.analysis.builtin.section import Facts, Lines, SectionReport

ESCALATE = ("BREACH", "CRITICAL")
# Failures first, then the tests that say nothing, then the passes.
RESULT_ORDER = {"FAIL": 0, "INCONCLUSIVE": 1, "PASS": 2}

# --- thresholds -----------------------------------------------------------------------------


def _threshold_cells(row: dict[str, Any]) -> list[str]:
    status = row["status"]
    return [
        text(row["threshold_id"]),
        text(row["threshold_type"]),
        text(row["currency"]) if row["currency"] else "all",
        text(row["entity_type"]) if row["entity_type"] else "all",
        amount(row["warning_level"]),
        amount(row["critical_level"]),
        amount(row["maximum_limit"]),
        text(row["unit_of_measure"]),
        amount(row["current_value"]),
        amount(row.get("headroom")),
        bold(status) if status in ESCALATE else text(status),
    ]


THRESHOLD_HEADERS = [
    "Threshold",
    "Type",
    "Currency",
    "Entity type",
    "Warning",
    "Critical",
    "Maximum",
    "Unit",
    "Current",
    "Headroom",
    "Status",
]


def render_thresholds(thresholds: list[dict[str, Any]], facts: Facts) -> Lines:
    heading = "### Thresholds"
    if not thresholds:
        return [heading, "", "No active thresholds apply."]
    lines = [
        heading,
        "",
        *table(THRESHOLD_HEADERS, thresholds, _threshold_cells, right=(4, 5, 6, 8, 9)),
    ]
    if any(row["status"] == "NOT_COMPUTED" for row in thresholds):
        lines += [
            "",
            "NOT_COMPUTED: HAWK measures only the USD PB deposit, and only for a named currency; "
            "the other limits are listed with their levels.",
        ]
    return lines


def _types_by_status(thresholds: list[dict[str, Any]]) -> dict[str, list[str]]:
    grouped: dict[str, list[str]] = {}
    for row in thresholds:
        types = grouped.setdefault(row["status"], [])
        if row["threshold_type"] not in types:
            types.append(row["threshold_type"])
    return grouped


def thresholds_summary(thresholds: list[dict[str, Any]], facts: Facts) -> str:
    grouped = _types_by_status(thresholds)
    if not grouped:
        return "Thresholds: none apply."
    return (
        "Thresholds: "
        + "; ".join(f"{status} ({', '.join(types)})" for status, types in grouped.items())
        + "."
    )


def _escalation(row: dict[str, Any]) -> str:
    scope = row["currency"] or "all currencies"
    return (
        f"Escalate to Treasury: {row['threshold_type']} of {scope} is {row['status']} "
        f"({amount(row['current_value'])} {text(row['unit_of_measure'])} against a maximum "
        f"of {amount(row['maximum_limit'])})."
    )


def thresholds_steps(thresholds: list[dict[str, Any]], facts: Facts) -> Lines:
    steps = [_escalation(row) for row in thresholds if row["status"] in ESCALATE]
    steps += [
        f"Watch {row['threshold_type']} of {row['currency'] or 'all currencies'}: it is above "
        "its warning level."
        for row in thresholds
        if row["status"] == "WARN"
    ]
    not_computed = _types_by_status(thresholds).get("NOT_COMPUTED")
    if not_computed:
        steps.append(
            f"Review the current values of {', '.join(not_computed)} in the source systems: "
            "HAWK does not compute them."
        )
    return steps


# --- effectiveness --------------------------------------------------------------------------


def _band(effectiveness: dict[str, Any]) -> str:
    return f"{effectiveness['lower']} to {effectiveness['upper']}"


def _effectiveness_cells(test: dict[str, Any]) -> list[str]:
    result, recorded = test["result"], test.get("recorded_result")
    return [
        text(test["effectiveness_id"]),
        text(test["allocation_id"]),
        day(test["measurement_date"]),
        amount(test["hedged_item_change"]),
        amount(test["instrument_change"]),
        MISSING if test["ratio"] is None else test["ratio"],
        bold(result) if result == "FAIL" else result,
        text(recorded),
    ]


EFFECTIVENESS_HEADERS = [
    "Test",
    "Allocation",
    "Date",
    "Hedged item change",
    "Instrument change",
    "Ratio",
    "Result",
    "Recorded",
]


def _effectiveness_lead(effectiveness: dict[str, Any]) -> str:
    summary = effectiveness["summary"]
    return (
        "A test passes when the ratio of minus the instrument change to the hedged item change "
        f"lies within {_band(effectiveness)}; when the hedged item moves by less than "
        f"{amount(effectiveness['materiality'])} the test is INCONCLUSIVE. Results: "
        f"{summary['PASS']} PASS, {summary['FAIL']} FAIL, {summary['INCONCLUSIVE']} "
        f"INCONCLUSIVE of {summary['total']} tests."
    )


def render_effectiveness(effectiveness: dict[str, Any], facts: Facts) -> Lines:
    heading = "### Hedge effectiveness (dollar offset)"
    if not effectiveness["tests"]:
        return [heading, "", "No effectiveness tests are recorded for this scope."]
    tests = sorted(effectiveness["tests"], key=lambda test: RESULT_ORDER.get(test["result"], 3))
    rows = table(EFFECTIVENESS_HEADERS, tests, _effectiveness_cells, right=(3, 4, 5))
    return [heading, "", _effectiveness_lead(effectiveness), "", *rows]


def effectiveness_summary(effectiveness: dict[str, Any], facts: Facts) -> str:
    summary = effectiveness["summary"]
    return (
        f"Effectiveness: {summary['PASS']} PASS, {summary['FAIL']} FAIL, "
        f"{summary['INCONCLUSIVE']} INCONCLUSIVE of {summary['total']} tests."
    )


def _allocations_with(effectiveness: dict[str, Any], result: str) -> str:
    ids = [
        text(test["allocation_id"]) for test in effectiveness["tests"] if test["result"] == result
    ]
    return ", ".join(dict.fromkeys(ids))


def _relabelled(effectiveness: dict[str, Any]) -> str:
    ids = [
        text(test["effectiveness_id"])
        for test in effectiveness["tests"]
        if test.get("recorded_result") and test["recorded_result"] != test["result"]
    ]
    return ", ".join(ids)


def effectiveness_steps(effectiveness: dict[str, Any], facts: Facts) -> Lines:
    steps = []
    if effectiveness["summary"]["FAIL"]:
        steps.append(
            f"Investigate the failing tests (allocations {_allocations_with(effectiveness, 'FAIL')}"
            f"): a ratio outside {_band(effectiveness)} calls for rebalancing or de-designation, "
            "and the ineffective part goes to profit or loss."
        )
    if effectiveness["summary"]["INCONCLUSIVE"]:
        steps.append(
            "Re-test the inconclusive ones once the hedged item moves by at least "
            f"{amount(effectiveness['materiality'])}."
        )
    if _relabelled(effectiveness):
        steps.append(
            f"Correct the recorded results of the tests {_relabelled(effectiveness)}: HAWK's "
            "recomputation gives a different result."
        )
    return steps


SECTIONS: dict[str, SectionReport] = {
    "thresholds": SectionReport(render_thresholds, thresholds_steps, summary=thresholds_summary),
    "effectiveness": SectionReport(
        render_effectiveness, effectiveness_steps, summary=effectiveness_summary
    ),
}
