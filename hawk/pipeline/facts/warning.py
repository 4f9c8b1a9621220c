"""Warnings about missing or doubtful data, collected while the facts are computed.

Missing data never raises: it becomes a warning inside the facts, with a stable code the
context builder and the analyst can rely on.
"""

from dataclasses import dataclass, field
from typing import Literal

Severity = Literal["info", "warning", "critical"]


@dataclass(frozen=True)
class FactWarning:
    code: str
    severity: Severity
    message: str

    def as_dict(self) -> dict[str, str]:
        return {"code": self.code, "severity": self.severity, "message": self.message}


@dataclass
class WarningLog:
    items: list[FactWarning] = field(default_factory=list)

    def add(self, code: str, message: str, severity: Severity = "warning") -> None:
        warning = FactWarning(code, severity, message)
        if warning not in self.items:  # the same finding from two sections is said once
            self.items.append(warning)

    def extend(self, warnings: list[FactWarning]) -> None:
        for warning in warnings:
            self.add(warning.code, warning.message, warning.severity)

    def codes(self) -> list[str]:
        return [warning.code for warning in self.items]

    def as_dicts(self) -> list[dict[str, str]]:
        return [warning.as_dict() for warning in self.items]
