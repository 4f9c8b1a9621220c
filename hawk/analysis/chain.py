"""The fallback chain's words: the kind of a backend's failure (a bounded metric label) and the
analysis_fallback notice that names the backend that answered and why the others did not."""

from dataclasses import dataclass

from hawk.analysis.base import AnalysisError

LABELS = {
    "builtin": "the built-in analyst",
    "dify": "Dify",
    "openai": "the OpenAI-compatible endpoint",
}


@dataclass(frozen=True)
class Unavailable:
    backend: str
    reason: str  # "unavailable (rate_limit_exceeded)", "cooling down after repeated failures"


def failure_kind(error: AnalysisError) -> str:
    if error.answered:
        return "mid_stream"
    if error.status == 429:
        return "rate_limited"
    if error.code == "timeout" or error.status == 504:
        return "timeout"
    if error.code in {"connection_error", "connection_lost"}:
        return "connection"
    return "server_error" if error.status >= 500 else "client_error"


def unavailable(backend: str, error: AnalysisError) -> Unavailable:
    return Unavailable(backend, f"unavailable ({error.code})")


def fallback_notice(answered_by: str, others: list[Unavailable]) -> str:
    """E.g. "answering with the built-in analyst: Dify (dify) is unavailable
    (internal_server_error); the OpenAI-compatible endpoint (openai) is unavailable (timeout)"."""
    reasons = "; ".join(f"{_label(other.backend)} is {other.reason}" for other in others)
    return f"answering with {_label(answered_by)}: {reasons}"


def _label(backend: str) -> str:
    label = LABELS.get(backend, backend)
    return label if backend == "builtin" else f"{label} ({backend})"
