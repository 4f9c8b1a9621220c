"""Which backend answers: Dify when configured and its circuit is not open, else the built-in
analyst (the embedded default)."""

from hawk.analysis.base import AnalysisBackend
from hawk.analysis.builtin import BuiltinAnalyst
from hawk.analysis.dify import dify_circuit_state, get_dify_backend


def fallback_backend() -> AnalysisBackend:
    return BuiltinAnalyst()


def choose_backend(category: str | None) -> tuple[AnalysisBackend, str]:
    """The backend, and a notice for the client when Dify is configured but cannot be used."""
    dify = get_dify_backend(category)
    if dify is None:
        return fallback_backend(), ""
    if dify_circuit_state() == "open":
        return (
            fallback_backend(),
            "Dify is failing (circuit open); answering with the built-in analyst",
        )
    return dify, ""
