"""What every HAWK table's admin shares, so the configuration pages read like a form people
fill in: amounts with thousands separators (typed with or without them), an empty text stays
empty (NULL, as stored: no phantom "None → ''" change in the history), a change reason saved
in the history record, ids and audit stamps read-only and stamped by the server, and the
history's changes listed with readable values, only those that really changed."""

from decimal import Decimal
from typing import Any

from django import forms
from django.db import models
from django.http import HttpRequest
from django.utils import timezone
from simple_history.models import ModelChange
from simple_history.template_utils import HistoricalRecordContextHelper

from hawk.models.fields import HawkIdField
from hawk.web.numbers import number_text

AUDIT_STAMPS = ("created_by", "created_date", "modified_by", "modified_date")
EMPTY = (None, "")


class AmountInput(forms.TextInput):
    """A decimal shown as people write it: "1,950,000,000", not "1950000000.0000"."""

    def format_value(self, value: Any) -> str | None:
        if isinstance(value, Decimal | int | float):
            return number_text(value)
        return super().format_value(value)


class AmountField(forms.DecimalField):
    widget = AmountInput

    def to_python(self, value: Any) -> Any:
        if isinstance(value, str):
            value = value.replace(",", "").replace(" ", "").replace("\u202f", "")
        return super().to_python(value)

    def widget_attrs(self, widget: forms.Widget) -> dict[str, Any]:
        # A text input (separators are not numbers to the browser), right-aligned.
        return {"inputmode": "decimal", "style": "text-align:right"}


class ConfigurationForm(forms.ModelForm):
    change_reason = forms.CharField(
        label="Change reason",
        required=False,
        max_length=100,
        help_text="Why this change: kept with it in the history.",
    )


class ReadableHistory(HistoricalRecordContextHelper):
    """The history page's changes: none whose old and new are both empty, values readable."""

    def context_for_delta_changes(self, delta: Any) -> list[dict[str, Any]]:
        real = [change for change in delta.changes if not _both_empty(change)]
        return super().context_for_delta_changes(_Delta(real))

    def prepare_delta_change_value(self, change: ModelChange, value: Any) -> Any:
        if value in EMPTY:
            return "—"
        if isinstance(value, Decimal | float):
            return number_text(value)
        return super().prepare_delta_change_value(change, value)


class _Delta:
    def __init__(self, changes: list[ModelChange]) -> None:
        self.changes = changes


def _both_empty(change: ModelChange) -> bool:
    return change.old in EMPTY and change.new in EMPTY


class ConfigurationAdminMixin:
    """For a HAWK table's ModelAdmin (with or without SimpleHistoryAdmin)."""

    form: Any = ConfigurationForm
    model: Any
    # simple_history's list with a dash, not "None", for no user or no reason.
    object_history_list_template = "admin/hawk/object_history_list.html"

    def formfield_for_dbfield(
        self, db_field: models.Field, request: HttpRequest, **kwargs: Any
    ) -> Any:
        if isinstance(db_field, models.DecimalField):
            kwargs["form_class"] = AmountField
        elif isinstance(db_field, models.TextField | models.CharField) and db_field.null:
            # Django's TextField turns an empty box into "" even when the column is NULL.
            kwargs.setdefault("empty_value", None)
        return super().formfield_for_dbfield(db_field, request, **kwargs)  # type: ignore[misc]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        fields = list(super().get_readonly_fields(request, obj))  # type: ignore[misc]
        pk = self.model._meta.pk
        if obj is not None or isinstance(pk, HawkIdField):  # generated, or fixed once made
            fields.append(pk.name)
        names = {field.name for field in self.model._meta.fields}
        return [*fields, *(stamp for stamp in AUDIT_STAMPS if stamp in names)]

    def get_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        """The id first, then the columns, then the audit stamps and the change reason (Django
        would put the read-only id and stamps after everything)."""
        fields = list(super().get_fields(request, obj))  # type: ignore[misc]
        first = [name for name in (self.model._meta.pk.name,) if name in fields]
        last = [name for name in (*AUDIT_STAMPS, "change_reason") if name in fields]
        return first + [name for name in fields if name not in first + last] + last

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        names = {field.name for field in self.model._meta.fields}
        kind = "modified" if change else "created"
        for field, value in (
            (f"{kind}_by", request.user.get_username()),
            (f"{kind}_date", timezone.now()),
        ):
            if field in names:
                setattr(obj, field, value)
        obj._change_reason = form.cleaned_data.get("change_reason") or None
        super().save_model(request, obj, form, change)  # type: ignore[misc]

    def get_historical_record_context_helper(self, request: HttpRequest, record: Any) -> Any:
        return ReadableHistory(self.model, record)
