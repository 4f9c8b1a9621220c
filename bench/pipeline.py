"""Benchmark of the data phase (understand + plan + extract + facts), cold and warm, side by
side with the naive baseline, on the demo data and on a scaled dataset, in one run.

    make bench            (or: .venv/bin/python bench/pipeline.py [--runs 30])

Uses its own database (BENCH_DATABASE_URL, default hawk_bench on the local Postgres, which it
creates and fills) and its own Redis database (BENCH_REDIS_URL, default db 13). Prints p50 and
p95 in milliseconds and the ratios; results are recorded in docs/benchmarks.md.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ["DJANGO_SETTINGS_MODULE"] = "hawk.settings"
os.environ["DATABASE_URL"] = os.environ.get(
    "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/hawk_bench"
)
os.environ["REDIS_URL"] = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/13")
os.environ.setdefault("LOG_LEVEL", "WARNING")

PROMPTS = (
    "Check if I can hedge 150K CNY today",
    "Start USD 25M COI hedge",
    "Modify order ORD-123 notional to 120M",
    "Status of all CNY instructions",
    "Rollover existing HKD hedge",
    "Close JPY hedge position",
    "Can we hedge our Hong Kong exposure today?",
)


def ensure_database() -> None:
    import psycopg

    name = os.environ["DATABASE_URL"].rsplit("/", 1)[-1]
    admin_url = os.environ["DATABASE_URL"].rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(pct / 100 * len(ordered)) - 1))
    return ordered[index]


def data_phase(prompt: str, extractor=None) -> tuple[float, float, float]:
    """One run; returns (total ms, extraction ms, sum of per-source ms)."""
    from hawk.pipeline import prepare as stages

    started = time.perf_counter()
    planned = stages.understand_and_plan(stages.PromptInput(prompt))
    extracted = stages.extract_planned(planned, *([extractor] if extractor else []))
    stages.facts_for(extracted)
    total = (time.perf_counter() - started) * 1000
    extraction = extracted.extraction
    return total, extraction.extraction_ms, extraction.sum_of_source_ms


def invalidate_everything() -> None:
    """Cold: every table the data phase reads has changed (generations bumped), so every
    source, the vocabulary and the business date are read from the database again."""
    from hawk.datacache.invalidation import tables_written
    from hawk.pipeline.business_date import TABLE
    from hawk.pipeline.vocabulary import VOCABULARY_TABLES
    from hawk.sources import SOURCES

    tables_written([spec.table for spec in SOURCES.values()] + [*VOCABULARY_TABLES, TABLE])


def measure(prompt: str, runs: int, naive_runs: int) -> dict[str, list[float]]:
    from django.core.cache import cache

    from bench.naive import naive_extract

    cold, flushed, extraction, source_sum = [], [], [], []
    for _ in range(runs):
        invalidate_everything()
        total, ext_ms, src_ms = data_phase(prompt)
        cold.append(total)
        extraction.append(ext_ms)
        source_sum.append(src_ms)
    for _ in range(max(3, runs // 3)):
        cache.clear()  # an empty Redis: generations and statistics are created again too
        flushed.append(data_phase(prompt)[0])
    data_phase(prompt)
    warm = [data_phase(prompt)[0] for _ in range(runs)]
    naive = [data_phase(prompt, naive_extract)[0] for _ in range(naive_runs)]
    return {
        "cold": cold,
        "flushed": flushed,
        "warm": warm,
        "naive": naive,
        "extraction": extraction,
        "source_sum": source_sum,
    }


def report(title: str, runs: int, naive_runs: int) -> None:
    print(f"\n## {title}  (cold/warm runs: {runs}, naive runs: {naive_runs})")
    print(
        f"{'prompt':46} {'cold p50':>9} {'cold p95':>9} {'flush p95':>9} {'warm p50':>9} "
        f"{'warm p95':>9} {'naive p50':>10} {'naive/cold':>10} {'naive/warm':>10} "
        f"{'conc.':>6}"
    )
    all_cold, all_warm = [], []
    for prompt in PROMPTS:
        m = measure(prompt, runs, naive_runs)
        all_cold += m["cold"]
        all_warm += m["warm"]
        cold50, warm50, naive50 = (statistics.median(m[k]) for k in ("cold", "warm", "naive"))
        overlap = statistics.mean(m["extraction"]) / statistics.mean(m["source_sum"])
        print(
            f"{prompt[:46]:46} {cold50:9.2f} {percentile(m['cold'], 95):9.2f} "
            f"{percentile(m['flushed'], 95):9.2f} "
            f"{warm50:9.2f} {percentile(m['warm'], 95):9.2f} {naive50:10.2f} "
            f"{naive50 / cold50:9.1f}x {naive50 / warm50:9.1f}x {overlap:6.2f}"
        )
    print(
        f"{'ALL PROMPTS':46} {statistics.median(all_cold):9.2f} "
        f"{percentile(all_cold, 95):9.2f} {'':9} {statistics.median(all_warm):9.2f} "
        f"{percentile(all_warm, 95):9.2f}"
    )
    print(
        "cold = every table invalidated (as after writes); flush = Redis emptied (after a "
        "restart); warm = all cached.\nconc. = concurrent extraction time / sum of the "
        "sources' own times (cold); < 1 is parallel overlap"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--naive-runs", type=int, default=5)
    parser.add_argument("--skip-scaled", action="store_true")
    args = parser.parse_args()
    ensure_database()
    import django

    django.setup()
    from django.core.management import call_command

    from bench.scaled_data import add_scaled_data
    from hawk.management.commands.bootstrap_local import DEMO_BUNDLE
    from hawk.models import BusinessDate

    call_command("migrate", verbosity=0)
    call_command("import_hedge_data", str(DEMO_BUNDLE), "--replace", verbosity=0)
    report("Demo data", args.runs, args.naive_runs)
    if args.skip_scaled:
        return
    started = time.perf_counter()
    counts = add_scaled_data(BusinessDate.current())
    print(f"\nscaled data added in {time.perf_counter() - started:.1f} s: {counts}")
    report("Scaled data", args.runs, args.naive_runs)


if __name__ == "__main__":
    main()
