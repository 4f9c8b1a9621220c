"""A template's data requirements, {"sources": [...], "scope": "..."}: what the plan must read.

Checked wherever a template is written (admin, loader) and again before one is run, since a
row written another way (a script, an old version) must give a clear 400, never a failing run.
"""

from typing import Any

from hawk.sources import SCOPES, SOURCES


def requirement_problems(requirements: Any) -> list[str]:
    """What is wrong with `requirements`, in words; empty when they can be planned."""
    if not isinstance(requirements, dict):
        return ["data_requirements must be an object"]
    sources = requirements.get("sources", [])
    if not isinstance(sources, list) or not all(isinstance(name, str) for name in sources):
        return ["data_requirements.sources must be a list of source names"]
    problems = [f"unknown key {key!r}" for key in sorted(set(requirements) - {"sources", "scope"})]
    unknown = sorted(set(sources) - set(SOURCES))
    if unknown:
        problems.append(f"unknown data source(s) {', '.join(unknown)}")
    scope = requirements.get("scope")
    if scope is not None and scope not in SCOPES:
        problems.append(f"data_requirements.scope {scope!r} is not one of {sorted(SCOPES)}")
    return problems
