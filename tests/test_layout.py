"""The layout of the test suite: no test module imports another test module. Helpers shared
between test modules live in support modules (tests/live.py, tests/hawk/*/support.py, ...) or
conftest.py fixtures, so each test module can be moved, run or deleted on its own."""

import ast
from pathlib import Path

TESTS = Path(__file__).resolve().parent


def is_test_module(name: str) -> bool:
    return name.rsplit(".", 1)[-1].startswith("test_")


def imported_test_modules(path: Path) -> list[str]:
    """The test modules (test_*.py) that `path` imports, by dotted name."""
    package = ".".join(path.relative_to(TESTS.parent).parent.parts)
    found = []
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            found += [alias.name for alias in node.names if is_test_module(alias.name)]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*parent, *([base] if base else [])])
            if is_test_module(base):
                found.append(base)
            # `from tests.hawk import test_admin` imports a test module too.
            found += [f"{base}.{a.name}" for a in node.names if is_test_module(a.name)]
    return found


def test_no_test_module_imports_another_test_module():
    offenders = {
        str(path.relative_to(TESTS.parent)): imported
        for path in sorted(TESTS.rglob("test_*.py"))
        if (imported := imported_test_modules(path))
    }
    assert offenders == {}, "move the shared helpers into a support module or a conftest fixture"
