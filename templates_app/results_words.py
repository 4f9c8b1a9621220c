"""An experiment's results (templates_app.results) as a person reads them: percentages with
their counts, times in seconds, a sentence for the verdict; never a raw key or "None"."""

from typing import Any

from templates_app.results import SIGNIFICANCE

HEADERS = (
    "Variant",
    "Template",
    "Share of traffic",
    "Runs",
    "Completed",
    "Failed",
    "Liked (of rated)",
    "Quality",
    "Time to answer, median / 95th",
    "First words, median",
    "Tokens in / out",
    "Cost (USD)",
)
MISSING = "—"


def share(part: int | float, whole: int | float) -> str:
    """ "66.7 % (2 of 3)"; a dash when there is nothing to divide."""
    if not whole:
        return MISSING
    return f"{percent(part / whole)} ({part:,} of {whole:,})"


def percent(fraction: float) -> str:
    text = f"{fraction * 100:.1f}".removesuffix(".0")
    return f"{text} %"


def seconds(ms: float | None) -> str:
    if ms is None:
        return MISSING
    return f"{ms / 1000:.1f} s" if ms >= 1000 else f"{ms:,.0f} ms"


def variant_row(variant: dict[str, Any], names: dict[int, str], total_weight: int) -> list[str]:
    rated = variant["likes"] + variant["dislikes"]
    quality = variant["quality_mean"]
    return [
        variant["variant"],
        names.get(variant["template_id"], str(variant["template_id"])),
        percent(variant["weight"] / total_weight) if total_weight else MISSING,
        f"{variant['runs']:,}",
        share(variant["completed"], variant["runs"]),
        share(variant["failed"], variant["runs"]),
        share(variant["likes"], rated),
        percent(quality) if quality is not None else MISSING,
        f"{seconds(variant['total_ms_p50'])} / {seconds(variant['total_ms_p95'])}",
        seconds(variant["first_token_ms_p50"]),
        f"{variant['tokens_in']:,} / {variant['tokens_out']:,}",
        variant["cost_usd"],
    ]


def rows(results: dict[str, Any], names: dict[int, str]) -> list[list[str]]:
    total_weight = sum(variant["weight"] for variant in results["variants"])
    return [variant_row(variant, names, total_weight) for variant in results["variants"]]


def _liked(variant: dict[str, Any]) -> str:
    return f"{variant['variant']} is liked in {share(variant['likes'], _rated(variant))}"


def _rated(variant: dict[str, Any]) -> int:
    return int(variant["likes"] + variant["dislikes"])


def verdict(results: dict[str, Any]) -> str:
    """One sentence on the like-rate comparison (results["comparison"])."""
    variants = sorted(results["variants"], key=_rated, reverse=True)[:2]
    if len(variants) < 2 or not all(_rated(variant) for variant in variants):
        counts = ", ".join(f"{v['variant']}: {_rated(v):,} rated" for v in results["variants"])
        return (
            "Not enough rated runs yet to tell the variants apart"
            + (f" ({counts})." if counts else ".")
            + " Each variant needs likes or dislikes."
        )
    p_value = results["comparison"]["p_value"]
    liked = "; ".join(_liked(variant) for variant in variants)
    if p_value is None:
        return f"Every rating is the same so far ({liked}): not enough to tell them apart yet."
    winner = results["comparison"]["winner"]
    if winner:
        return (
            f"{winner} is better liked: {liked}. A difference this large would arise by chance "
            f"with p = {p_value:.2g}, below {SIGNIFICANCE}."
        )
    return (
        f"No clear winner yet: {liked}. A difference this large arises by chance with "
        f"p = {p_value:.2g}; a winner needs p below {SIGNIFICANCE}, so more ratings are needed."
    )
