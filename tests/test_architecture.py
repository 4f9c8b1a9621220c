"""The layers of docs/architecture.md hold: the import contract is kept, it fails on an import
that points up, and no app module hides an import inside a function."""

import ast
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
APPS = ("hawk", "templates_app", "analytics", "cache_admin")
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def app_modules():
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            if "migrations" not in path.parts:
                yield path


def imports_inside_functions(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        for inner in ast.walk(node):
            if isinstance(inner, ast.Import | ast.ImportFrom):
                found.append(f"{path.relative_to(ROOT)}:{inner.lineno} in {node.name}()")
    return found


def test_no_app_module_imports_inside_a_function():
    # AppConfig.ready() is Django's one place for imports that need the app registry.
    found = [
        place
        for path in app_modules()
        for place in imports_inside_functions(path)
        if not (path.name == "apps.py" and place.endswith("in ready()"))
    ]
    assert found == []


def run_lint_imports(cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache"], cwd=cwd, capture_output=True, text=True, timeout=120
    )


def test_the_import_contract_is_kept():
    result = run_lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_import_contract_fails_on_an_import_that_points_up(tmp_path):
    for app in APPS:
        shutil.copytree(ROOT / app, tmp_path / app, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    models = tmp_path / "hawk" / "datacache" / "store.py"
    models.write_text(models.read_text() + "\nfrom hawk.api import run_views  # noqa\n")
    result = run_lint_imports(tmp_path)
    assert result.returncode == 1
    assert "hawk.datacache.store -> hawk.api.run_views" in result.stdout
