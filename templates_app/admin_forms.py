"""Structured editors for the template admin: input fields as rows of name, label, type,
required and choices; data requirements as source check boxes and a scope. Plain Django
forms and widgets, no front-end build; the same validation as the API."""

from typing import Any

from django import forms

from hawk.models import Currency
from hawk.sources import SCOPES, SOURCES
from templates_app.models import PromptTemplate
from templates_app.validation import FIELD_TYPES, input_field_problems, placeholder_problems

EXTRA_ROWS = 3


def _row(field: dict[str, Any]) -> dict[str, Any]:
    return {
        "name": field.get("name", ""),
        "label": field.get("label", ""),
        "type": field.get("type", ""),
        "required": field.get("required", True),
        "choices": ", ".join(map(str, field.get("choices", []))),
    }


class InputFieldsWidget(forms.Widget):
    """One table row per input field, plus a few empty rows for new ones."""

    template_name = "admin/templates_app/input_fields_widget.html"

    def get_context(self, name: str, value: Any, attrs: dict | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        fields = value if isinstance(value, list) else []
        rows = [_row(field) for field in fields if isinstance(field, dict)]
        rows += [_row({})] * EXTRA_ROWS
        context["rows"] = [{"index": i, **row} for i, row in enumerate(rows)]
        context["types"] = FIELD_TYPES
        return context

    def value_from_datadict(self, data: Any, files: Any, name: str) -> list[dict[str, Any]]:
        fields, index = [], 0
        while f"{name}-{index}-name" in data:
            row = {
                key: data.get(f"{name}-{index}-{key}", "").strip()
                for key in ("name", "label", "type", "choices")
            }
            index += 1
            if not row["name"]:
                continue  # an empty row, or one the analyst cleared to delete it
            field: dict[str, Any] = {
                "name": row["name"],
                "label": row["label"] or row["name"],
                "type": row["type"] or "text",
                "required": data.get(f"{name}-{index - 1}-required") == "on",
            }
            if field["type"] == "choice":
                field["choices"] = [c.strip() for c in row["choices"].split(",") if c.strip()]
            fields.append(field)
        return fields

    def value_omitted_from_data(self, data: Any, files: Any, name: str) -> bool:
        return f"{name}-0-name" not in data


class InputFieldsField(forms.Field):
    widget = InputFieldsWidget

    def clean(self, value: Any) -> Any:
        value = super().clean(value) or []
        problems = input_field_problems(value)
        if problems:
            raise forms.ValidationError(problems)
        return value

    def has_changed(self, initial: Any, data: Any) -> bool:
        return (initial or []) != (data or [])


class PromptTemplateForm(forms.ModelForm):
    input_fields = InputFieldsField(required=False, help_text="Empty a row's name to remove it.")
    requirement_sources = forms.MultipleChoiceField(
        label="Data sources",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        choices=[
            (name, f"{name}: {spec.description}" if spec.description else name)
            for name, spec in SOURCES.items()
        ],
        help_text="Read in addition to what the intent reads anyway.",
    )
    requirement_scope = forms.ChoiceField(
        label="Scope",
        required=False,
        choices=[("", "from the parameters"), *[(scope, scope) for scope in SCOPES]],
    )
    change_note = forms.CharField(
        required=False, max_length=500, help_text="Why this change (stored with the new version)."
    )

    class Meta:
        model = PromptTemplate
        # data_requirements is edited through requirement_sources and requirement_scope.
        fields = [
            "name",
            "family_type",
            "template_category",
            "description",
            "status",
            "display_order",
            "prompt_text",
            "input_fields",
            "analysis_instructions",
        ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        requirements = self.instance.data_requirements or {}
        self.fields["requirement_sources"].initial = requirements.get("sources", [])
        self.fields["requirement_scope"].initial = requirements.get("scope", "")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if "input_fields" in data and data.get("prompt_text"):
            for problem in placeholder_problems(data["prompt_text"], data["input_fields"]):
                self.add_error("prompt_text", problem)
        return data

    def _post_clean(self) -> None:
        # The model's clean() checks data_requirements: give it the edited ones.
        self.instance.data_requirements = self.data_requirements()
        super()._post_clean()  # type: ignore[misc]  # not in django-stubs

    def data_requirements(self) -> dict[str, Any]:
        requirements: dict[str, Any] = {}
        if self.cleaned_data.get("requirement_sources"):
            requirements["sources"] = list(self.cleaned_data["requirement_sources"])
        if self.cleaned_data.get("requirement_scope"):
            requirements["scope"] = self.cleaned_data["requirement_scope"]
        return requirements


def preview_form(template: PromptTemplate, data: Any = None) -> forms.Form:
    """A form with one input per input field of the template: a list for currencies, NAV
    types and choices, a date picker for dates, a text box otherwise."""
    form = forms.Form(data)
    for field in template.input_fields:
        if isinstance(field, dict) and "name" in field:
            form.fields[field["name"]] = _variable_field(field)
    return form


def _variable_field(field: dict[str, Any]) -> forms.Field:
    label, required = field.get("label") or field["name"], field.get("required", True)
    kind = field.get("type", "text")
    choices = _variable_choices(field)
    if choices is not None:
        return forms.ChoiceField(label=label, choices=[("", "---"), *choices], required=required)
    if kind == "date":
        return forms.CharField(
            label=label, required=required, widget=forms.DateInput(attrs={"type": "date"})
        )
    return forms.CharField(label=label, required=required, help_text=kind.replace("_", " "))


def _variable_choices(field: dict[str, Any]) -> list[tuple[str, str]] | None:
    kind = field.get("type")
    if kind == "currency":
        rows = Currency.objects.order_by("currency_code").values_list(
            "currency_code", "currency_name"
        )
        return [(code, f"{code} {name}") for code, name in rows]
    if kind == "nav_type":
        return [("COI", "COI (cost of investment)"), ("RE", "RE (retained earnings)")]
    if kind == "choice":
        return [(c, c) for c in field.get("choices", [])]
    return None
