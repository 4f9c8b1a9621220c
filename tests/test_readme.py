"""Every environment variable that changes behaviour is documented in the README's
configuration table (issue 8): a variable read in settings.py without a row there fails."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
READ_IN_SETTINGS = re.compile(r'env_\w+\(\s*"([A-Z][A-Z0-9_]*)"')


def settings_variables() -> set[str]:
    return set(READ_IN_SETTINGS.findall((ROOT / "hawk" / "settings.py").read_text()))


def configuration_table() -> str:
    readme = (ROOT / "README.md").read_text()
    section = readme.split("## Configuration", 1)[1].split("\n## ", 1)[0]
    return "\n".join(line for line in section.splitlines() if line.startswith("|"))


def test_every_variable_read_in_settings_has_a_row_in_the_readme():
    table = configuration_table()
    undocumented = sorted(name for name in settings_variables() if f"`{name}`" not in table)
    assert undocumented == []


def test_the_settings_are_read_by_name():
    assert {"DATABASE_URL", "SECURE_SSL_REDIRECT", "PROMETHEUS_MULTIPROC_DIR"} <= (
        settings_variables()
    )
