"""Instructions per run, counted by valgrind, this tree against another (issue 19).

    .venv/bin/python bench/instructions.py --other-code <tree> [--this-code <tree>]
        [--runs 10,40,70]

CPU time on a shared two-core machine moves by 10 to 20% between runs of the same code, so a
change worth a few percent never shows in bench/latency.py's knee or in request_cost.py's
milliseconds. Instruction counts do not move with the machine. Each tree runs its own
bench/request_cost.py (per round: SSE through the service's entry point, SSE through
Django's stock handler, WebSocket; in-process, one run at a time) under valgrind's cachegrind
without its cache simulation, at each --runs N, on its own database and Redis db (prepared
once, natively), the Redis db emptied and hash randomisation fixed before each count. The
slope of the total over the 3 N runs is the instructions per run; start-up and the first cold
runs fall into the intercept. Both trees are counted at the same time: a count does not
depend on what else the machine does.

Needs valgrind (Debian's package) and a tree that has bench/request_cost.py (this stop's
start, 526c629, and later). Recorded in docs/benchmarks.md.
"""

import argparse
import os
import re
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
POSTGRES = "postgres://postgres@127.0.0.1:5432/"
REFS = re.compile(r"I\s+refs:\s+([\d,]+)")


def environment(database: str, redis_db: int) -> dict[str, str]:
    return {
        **os.environ,
        "LOAD_DATABASE_URL": POSTGRES + database,
        "LOAD_REDIS_URL": f"redis://127.0.0.1:6379/{redis_db}",
        "PYTHONHASHSEED": "0",
    }


def prepare(tree: Path, env: dict[str, str]) -> None:
    """The tree's database and a few runs, natively (loading the data under valgrind would
    take minutes and count for nothing)."""
    done = subprocess.run(
        [sys.executable, "bench/request_cost.py", "--runs", "2", "--block", "1"],
        cwd=tree, env=env, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    if done.returncode:
        raise SystemExit(
            f"{tree}: request_cost.py failed:\n{done.stdout[-2000:]}{done.stderr[-2000:]}"
        )


def count(tree: Path, env: dict[str, str], redis_db: int, runs: int) -> int:
    """Instructions of request_cost.py --runs `runs` (each path) in `tree`."""
    subprocess.run(["redis-cli", "-n", str(redis_db), "flushdb"], check=True, capture_output=True)
    command = [
        "valgrind", "--tool=cachegrind", "--cache-sim=no", "--cachegrind-out-file=/dev/null",
        sys.executable, "bench/request_cost.py", "--runs", str(runs), "--block", str(runs),
        "--skip-prepare",
    ]  # fmt: skip
    done = subprocess.run(command, cwd=tree, env=env, capture_output=True, text=True, timeout=3000)
    found = REFS.search(done.stderr)
    if done.returncode or found is None:
        raise SystemExit(f"{tree}: counting failed:\n{done.stdout[-2000:]}{done.stderr[-2000:]}")
    return int(found.group(1).replace(",", ""))


def slope(points: list[tuple[int, int]]) -> float:
    """Least squares over (runs, instructions)."""
    mean_x = sum(x for x, _ in points) / len(points)
    mean_y = sum(y for _, y in points) / len(points)
    num = sum((x - mean_x) * (y - mean_y) for x, y in points)
    return num / sum((x - mean_x) ** 2 for x, _ in points)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--other-code", required=True, help="the tree to compare with")
    parser.add_argument("--this-code", default=str(ROOT), help="instead of this tree")
    parser.add_argument("--runs", default="10,40,70", help="runs per path, each a count")
    args = parser.parse_args()
    if shutil.which("valgrind") is None:
        raise SystemExit("valgrind is not installed (apt-get install valgrind)")
    trees = {
        "this": (Path(args.this_code), "hawk_instr_this", 14),
        "other": (Path(args.other_code), "hawk_instr_other", 15),
    }
    if not (trees["other"][0] / "bench" / "request_cost.py").exists():
        raise SystemExit(f"{args.other_code} has no bench/request_cost.py")
    runs = [int(n) for n in args.runs.split(",")]
    envs = {
        name: environment(database, redis_db) for name, (_, database, redis_db) in trees.items()
    }
    for name, (tree, _, _) in trees.items():
        prepare(tree, envs[name])
    results: dict[str, list[tuple[int, int]]] = {name: [] for name in trees}
    with ThreadPoolExecutor(max_workers=2) as pool:
        for n in runs:
            counted = {
                name: pool.submit(count, tree, envs[name], redis_db, n)
                for name, (tree, _, redis_db) in trees.items()
            }
            for name, future in counted.items():
                results[name].append((3 * n, future.result()))
                print(f"{name}: {3 * n} runs, {future.result():,} instructions", flush=True)
    per_run = {name: slope(points) for name, points in results.items()}
    for name, value in per_run.items():
        print(f"{name} ({trees[name][0]}): {value / 1e6:.2f} M instructions per run")
    print(f"this / other: {per_run['this'] / per_run['other']:.3f}")


if __name__ == "__main__":
    main()
