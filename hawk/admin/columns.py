"""Changelist columns shared by the HAWK admins: amounts right-aligned, alias lists as text."""

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.contrib import admin
from django.db import models
from django.utils.html import format_html
from django.utils.safestring import SafeString


def amount_column(field_name: str, description: str = "") -> Callable[[models.Model], Any]:
    """A sortable column showing a Decimal right-aligned with thousands separators.

    The stored value is shown exactly (all four decimals): operations staff reconcile against
    it, so nothing is rounded here. None stays None, so the admin shows its empty marker.
    """

    @admin.display(description=description or field_name.replace("_", " "), ordering=field_name)
    def column(obj: models.Model) -> SafeString | None:
        value: Decimal | None = getattr(obj, field_name)
        if value is None:
            return None
        return format_html('<span style="display:block;text-align:right">{}</span>', f"{value:,}")

    column.__name__ = field_name
    return column


def alias_text(aliases: list[str] | None) -> str:
    """A currency's aliases (a JSON list) as one readable line: "yuan, renminbi, RMB"."""
    return ", ".join(str(alias) for alias in aliases or [])
