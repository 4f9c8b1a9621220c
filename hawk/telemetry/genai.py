"""The OpenTelemetry GenAI client metrics for LLM calls, as Prometheus spells them, so that
generic LLM dashboards work unchanged (semantic conventions, gen_ai.client.* metrics).

The attributes become labels with dots as underscores. `gen_ai_system` is the older name of
`gen_ai_provider_name`; both carry the same value so that dashboards of either era work.
"""

from prometheus_client import Histogram

# The bucket boundaries the conventions advise.
TOKEN_BUCKETS = (1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304)
DURATION_BUCKETS = (
    0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92,
)  # fmt: skip
OPERATION = "chat"
PROVIDER = "dify"
NO_ERROR = ""

TOKEN_USAGE = Histogram(
    "gen_ai_client_token_usage",
    "Tokens used by an LLM call, by token type (input, output)",
    [
        "gen_ai_operation_name",
        "gen_ai_provider_name",
        "gen_ai_system",
        "gen_ai_request_model",
        "gen_ai_token_type",
    ],
    buckets=TOKEN_BUCKETS,
)
OPERATION_DURATION = Histogram(
    "gen_ai_client_operation_duration_seconds",
    "Duration of an LLM call; error_type is empty when it succeeded",
    [
        "gen_ai_operation_name",
        "gen_ai_provider_name",
        "gen_ai_system",
        "gen_ai_request_model",
        "error_type",
    ],
    buckets=DURATION_BUCKETS,
)


def observe_llm_call(
    *, model: str, seconds: float, input_tokens: int, output_tokens: int, error_type: str = ""
) -> None:
    common = (OPERATION, PROVIDER, PROVIDER, model)
    OPERATION_DURATION.labels(*common, error_type or NO_ERROR).observe(seconds)
    if error_type:
        return
    TOKEN_USAGE.labels(*common, "input").observe(input_tokens)
    TOKEN_USAGE.labels(*common, "output").observe(output_tokens)
