"""The OpenAI-compatible boundary (docs/llm.md): OpenAI, Azure OpenAI's v1 API, vLLM, llama.cpp,
Ollama or a LiteLLM proxy, through streamed chat completions.

config   settings: where, which model, which key, how long to wait
client   OpenAIClient: the stream over httpx, the endpoint's failures -> AnalysisError
backend  OpenAIBackend (the AnalysisBackend): prompts, usage (reported or estimated), price
"""

from hawk.analysis.openai_compat.backend import (
    OpenAIBackend,
    chat_payload,
    completion_usage,
    get_openai_backend,
    openai_configured,
)
from hawk.analysis.openai_compat.client import OpenAIClient
from hawk.analysis.openai_compat.config import OpenAIConfig

__all__ = [
    "OpenAIBackend",
    "OpenAIClient",
    "OpenAIConfig",
    "chat_payload",
    "completion_usage",
    "get_openai_backend",
    "openai_configured",
]
