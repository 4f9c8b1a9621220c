"""The Dify boundary: the only code that speaks to Dify (design/DIFY.md, docs/dify.md).

events     Dify's stream events -> AnalysisChunk
transport  settings, pooled httpx clients, retries, Dify's errors -> AnalysisError
client     DifyClient: one Dify app over HTTP (chat stream, stop, feedback)
backend    DifyBackend (the AnalysisBackend), the circuit breaker, the per-category apps
"""

from hawk.analysis.dify.backend import (
    DifyBackend,
    chat_payload,
    dify_api_key,
    dify_circuit,
    dify_circuit_state,
    dify_configured,
    get_dify_backend,
    reset_dify_circuit,
)
from hawk.analysis.dify.client import DifyClient, Rating
from hawk.analysis.dify.transport import DifyConfig, close_dify_clients

__all__ = [
    "DifyBackend",
    "DifyClient",
    "DifyConfig",
    "Rating",
    "chat_payload",
    "close_dify_clients",
    "dify_api_key",
    "dify_circuit",
    "dify_circuit_state",
    "dify_configured",
    "get_dify_backend",
    "reset_dify_circuit",
]
