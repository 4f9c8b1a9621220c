"""Facts (DOMAIN.md's JSON) as tables a person reads: one table per section, lists of rows as
rows, amounts with thousands separators, names in words. For the admin's preview and run pages."""

import re
from dataclasses import dataclass, field
from typing import Any

AMOUNT = re.compile(r"-?\d{4,}(\.\d+)?")
SKIPPED = ("warnings", "entity_names")  # shown elsewhere: warnings as notices, names in rows


@dataclass
class Table:
    title: str
    headers: list[str]
    rows: list[list[str]]


@dataclass
class Section:
    title: str
    tables: list[Table] = field(default_factory=list)


def words(name: str) -> str:
    return name.replace("_", " ").capitalize()


def shown(value: Any) -> str:
    """A value as text: amounts with separators (decimals kept), lists joined, None as -."""
    if value is None or value == "":
        return "-"
    if isinstance(value, list):
        return ", ".join(shown(item) for item in value)
    if isinstance(value, dict):
        return "; ".join(f"{words(key)}: {shown(item)}" for key, item in value.items())
    text = str(value)
    if not AMOUNT.fullmatch(text):
        return text
    whole, _, decimals = text.partition(".")
    return f"{int(whole):,}" + (f".{decimals}" if decimals else "")


def row_table(title: str, rows: list[dict[str, Any]]) -> Table:
    columns = list(dict.fromkeys(key for row in rows for key in row))
    body = [[shown(row.get(column)) for column in columns] for row in rows]
    return Table(title, [words(column) for column in columns], body)


def pairs_table(title: str, values: dict[str, Any]) -> Table:
    return Table(title, ["Item", "Value"], [[words(key), shown(v)] for key, v in values.items()])


def is_rows(value: Any) -> bool:
    return isinstance(value, list) and bool(value) and isinstance(value[0], dict)


def section_of(key: str, value: Any) -> Section:
    section = Section(words(key))
    if is_rows(value):
        section.tables.append(row_table("", value))
        return section
    if not isinstance(value, dict):
        section.tables.append(pairs_table("", {key: value}))
        return section
    scalars = {name: item for name, item in value.items() if not is_rows(item)}
    if scalars:
        section.tables.append(pairs_table("", scalars))
    section.tables += [row_table(words(n), item) for n, item in value.items() if is_rows(item)]
    return section


def facts_sections(facts: dict[str, Any]) -> list[Section]:
    """The general figures first (date, currency), then one section per facts section."""
    general = {k: v for k, v in facts.items() if not isinstance(v, dict | list)}
    sections = [Section("General", [pairs_table("", general)])] if general else []
    nested = {k: v for k, v in facts.items() if isinstance(v, dict | list) and k not in SKIPPED}
    return sections + [section_of(key, value) for key, value in nested.items()]
