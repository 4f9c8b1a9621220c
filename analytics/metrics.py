"""The agent's own Prometheus metrics (`hawk_*`), with few label values: never users or prompts."""

from prometheus_client import Counter, Gauge, Histogram, Info

import hawk

BUILD_INFO = Info("hawk_build", "Version of the running HAWK Agent")
BUILD_INFO.info({"version": hawk.__version__})

CACHE_OPERATIONS = Counter(
    "hawk_cache_operations_total",
    "Data cache operations by source and result (hit, miss, write, invalidate, error)",
    ["source", "result"],
)
EXTRACTION_SECONDS = Histogram(
    "hawk_extraction_seconds",
    "Time to extract all sources of a plan, by scope and cache status",
    ["scope", "cache"],
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5),
)
SOURCE_SECONDS = Histogram(
    "hawk_source_read_seconds",
    "Time to read one source, by source and cache status",
    ["source", "cache"],
    buckets=(0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1),
)
RECORDS_PER_RUN = Histogram(
    "hawk_records_per_run",
    "Records extracted per run",
    buckets=(0, 10, 50, 100, 250, 500, 1000, 2500, 5000, 10000),
)
CACHE_DEGRADED = Gauge(
    "hawk_cache_degraded", "1 while the data cache is bypassed because Redis failed"
)
