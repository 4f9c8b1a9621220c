"""`manage.py hawk_eval`: the golden set over the demo data, scored against thresholds.

Then the labelled prompt sets, each family of wordings held out together (families.py), with
a confusion matrix of intents. Exits non-zero when a threshold fails. `make eval` runs it on
the built-in analyst against a throw-away SQLite database loaded with the demo bundle (never a
developer's own database).
"""

import asyncio
import json
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.test import override_settings

from hawk.evaluation.families import (
    FAMILY_THRESHOLDS,
    FamilyScore,
    confusion_table,
    failed_family_thresholds,
    leave_one_family_out,
)
from hawk.evaluation.golden import GOLDEN
from hawk.evaluation.labelled import LabelledPrompt, load_labelled, read_with_rules
from hawk.evaluation.runner import (
    THRESHOLDS,
    CaseResult,
    case_run,
    failed_thresholds,
    run_case,
    summary,
)
from hawk.pipeline.run import RunRequest

LABELLED_DIR = settings.BASE_DIR / "tests" / "hawk" / "evaluation" / "data"


class Command(BaseCommand):
    help = "Run the golden set and fail when a quality or latency threshold is missed."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--backend", choices=("builtin", "dify"), default="builtin")
        parser.add_argument("--report", type=Path, help="write the results as JSON here")
        parser.add_argument(
            "--labelled", type=Path, default=LABELLED_DIR, help="the labelled sets (*.jsonl)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["backend"] == "dify" and not settings.DIFY_BASE_URL:
            raise CommandError("--backend dify needs DIFY_BASE_URL and DIFY_API_KEY")
        runs = [case_run(case) for case in GOLDEN]
        # The built-in analyst answers when Dify is not configured.
        overrides = {"DIFY_BASE_URL": ""} if options["backend"] == "builtin" else {}
        with override_settings(**overrides):
            results = asyncio.run(_run_all(runs))
        scores = summary(results)
        self._print_table(results, scores)
        families = leave_one_family_out(
            _labelled(options["labelled"]), lambda _rows: read_with_rules
        )
        self._print_families(families)
        if options["report"]:
            report = {
                "backend": options["backend"],
                "scores": scores,
                "thresholds": {**THRESHOLDS, "leave_one_family_out": FAMILY_THRESHOLDS},
                "cases": [result.as_dict() for result in results],
                "leave_one_family_out": families.as_dict(),
            }
            options["report"].write_text(json.dumps(report, indent=1) + "\n")
        failed = failed_thresholds(scores) + failed_family_thresholds(families)
        if failed:
            raise CommandError("thresholds failed: " + "; ".join(failed))

    def _print_table(self, results: list[CaseResult], scores: dict[str, float]) -> None:
        write = self.stdout.write
        write(f"{'case':<72} {'ok':>3} {'facts':>6} {'numbers':>7} {'first':>7} {'total':>7}")
        for result in results:
            ok = "yes" if not result.problems else "NO"
            write(
                f"{result.name[:72]:<72} {ok:>3} {result.facts_ok:>3}/{result.facts_checked:<2} "
                f"{result.number_check:>7.2f} {result.first_event_ms:>6.0f}ms "
                f"{result.total_ms:>5.0f}ms"
            )
            for problem in result.problems:
                write(f"    - {problem}")
        write("")
        for name, value in scores.items():
            write(f"{name:<24} {value:>10.4g}   threshold {THRESHOLDS[name]:g}")

    def _print_families(self, result: FamilyScore) -> None:
        write, score = self.stdout.write, result.score
        write(
            f"\nlabelled sets, leave one family out: {score.total} prompts in "
            f"{result.families} families ({result.families_right} read right throughout)"
        )
        write(f"{'intent_accuracy':<24} {score.intent_accuracy:>10.4g}")
        write(f"{'parameter_accuracy':<24} {score.parameter_accuracy:>10.4g}")
        write(f"{'unclear asked':<24} {score.unclear_asked:>6} / {score.unclear_total}")
        write(f"{'clear asked':<24} {score.clear_asked:>6}")
        write("\nconfusion of intents (rows labelled, columns read):")
        for line in confusion_table(result.confusion):
            write("  " + line)
        for miss in score.misses:
            write(f"    - {miss}")


def _labelled(directory: Path) -> list[LabelledPrompt]:
    return load_labelled(sorted(directory.glob("*.jsonl")))


async def _run_all(runs: list[RunRequest]) -> list[CaseResult]:
    return [await run_case(case, run) for case, run in zip(GOLDEN, runs, strict=True)]
