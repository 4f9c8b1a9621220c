"""Input validation of the agent endpoints: every bad field is a 400 naming that field."""

import re
import threading
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.utils.functional import cached_property
from rest_framework import serializers
from rest_framework.utils.serializer_helpers import BindingDict

from hawk.models import Entity
from hawk.pipeline.run import RunRequest
from hawk.pipeline.understand.amounts import LARGEST_AMOUNT
from hawk.pipeline.vocabulary import ISO_4217_CODES
from hawk.web.blocking import on_request_thread
from hawk.web.errors import HawkError
from templates_app.models import Category, PromptTemplate
from templates_app.requirements import requirement_problems

# Larger than any real hedge (a quadrillion in any currency unit): a typo, not a request. The
# same bound as for amounts written in a prompt.
MAX_AMOUNT = LARGEST_AMOUNT
ORDER_ID = re.compile(r"^ORD-[0-9A-Z-]{1,36}$")
# The fields whose validation reads the database (they name rows); the others are pure checks.
FIELDS_READ_FROM_THE_DATABASE = ("entity_id", "template_id")


class TextField(serializers.CharField):
    """A CharField that takes text only: DRF's own turns 123 or true into "123" or "True"."""

    def to_internal_value(self, data: Any) -> str:
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class FieldsKeptPerThread(serializers.Serializer):
    """A serializer whose fields are built once per thread, not per instance.

    DRF deep-copies every declared field for each instance: 70% of validating a prompt
    request, 8% of a loaded worker's time (docs/benchmarks.md, issue 19). A validation runs
    from start to end on one thread without yielding, so a thread's one set of fields is bound
    to the serializer at hand (each field's parent) and serves the next one after it."""

    _kept = threading.local()

    @cached_property
    def fields(self) -> BindingDict:
        name = type(self).__qualname__
        fields = getattr(self._kept, name, None)
        if fields is None:
            fields = super().fields
            setattr(self._kept, name, fields)
            return fields
        fields.serializer = self
        for field in fields.values():
            field.parent = self  # a nested field's parent is its own field, kept as it is
        return fields


class PromptRequestSerializer(FieldsKeptPerThread):
    # Optional with a template and its variables: the template's text is then the prompt.
    user_prompt = TextField(min_length=1, max_length=4000, trim_whitespace=True, required=False)
    template_id = serializers.IntegerField(required=False, allow_null=True, min_value=1)
    template_variables = serializers.DictField(
        child=serializers.CharField(max_length=200, allow_blank=True), required=False
    )
    template_category = serializers.ChoiceField(
        choices=Category.choices, required=False, allow_null=True
    )
    currency = serializers.CharField(required=False, allow_null=True, max_length=3, min_length=3)
    entity_id = serializers.CharField(required=False, allow_null=True, max_length=20)
    nav_type = serializers.ChoiceField(choices=["COI", "RE"], required=False, allow_null=True)
    amount = serializers.DecimalField(
        max_digits=24,
        decimal_places=4,
        required=False,
        allow_null=True,
        min_value=Decimal("0.0001"),
        max_value=MAX_AMOUNT,
    )
    order_id = serializers.CharField(required=False, allow_null=True, max_length=40)
    conversation_id = serializers.CharField(required=False, allow_blank=True, max_length=64)
    session_id = serializers.CharField(required=False, allow_blank=True, max_length=100)
    # The Angular app's ids of this prompt, recorded on the run (its hawk_agent_sessions row).
    # `agent_api_key`, which the old backend let override the Dify key, is not a field: DRF
    # drops unknown fields, so it is ignored and never reaches a backend or the record.
    msg_uid = TextField(required=False, allow_blank=True, allow_null=True, max_length=100)
    instruction_id = TextField(required=False, allow_blank=True, allow_null=True, max_length=50)
    stream = serializers.BooleanField(required=False, default=True)
    use_cache = serializers.BooleanField(required=False, default=True)

    def validate_currency(self, value: str | None) -> str | None:
        if value is None:
            return None
        code = value.upper()
        if code not in ISO_4217_CODES:
            raise serializers.ValidationError(f"unknown currency code {value!r}")
        return code

    def validate_entity_id(self, value: str | None) -> str | None:
        if value is None:
            return None
        entity_id = value.upper()
        if not Entity.objects.filter(entity_id=entity_id).exists():
            raise serializers.ValidationError(f"unknown entity {value!r}")
        return entity_id

    def validate_order_id(self, value: str | None) -> str | None:
        if value is None:
            return None
        if not ORDER_ID.match(value.upper()):
            raise serializers.ValidationError("an order id looks like ORD-123 or ORD-2025-011")
        return value.upper()

    def validate_template_id(self, value: int | None) -> int | None:
        if value is None:
            return None
        template = PromptTemplate.objects.filter(pk=value).first()
        if template is None:
            raise serializers.ValidationError(f"no prompt template with id {value}")
        if template.status == PromptTemplate.Status.ARCHIVED:
            # API.md: archived templates cannot be run (409), whichever transport asks.
            raise HawkError(
                "conflict",
                f"template_id: template {value} is archived",
                fields={"template_id": ["the template is archived"]},
            )
        if problems := requirement_problems(template.data_requirements):
            raise serializers.ValidationError(
                f"template {value} has invalid data_requirements: {'; '.join(problems)}"
            )
        return value

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if attrs.get("template_variables") and not attrs.get("template_id"):
            raise serializers.ValidationError(
                {"template_variables": ["template_variables need a template_id"]}
            )
        templated = attrs.get("template_id") and attrs.get("template_variables")
        if not attrs.get("user_prompt") and not templated:
            raise serializers.ValidationError(
                {"user_prompt": ["This field is required (or a template_id with its variables)."]}
            )
        return attrs


def validated_prompt_request(data: Any) -> dict[str, Any]:
    """The validated body of a prompt request, whichever transport brought it; raises
    ValidationError (a 400 naming the fields) otherwise."""
    body = PromptRequestSerializer(data=data)
    body.is_valid(raise_exception=True)
    return dict(body.validated_data)


def reads_the_database(data: Any) -> bool:
    """Whether validating (or running) this body reads a row: an entity or a template."""
    return isinstance(data, Mapping) and any(
        data.get(field) is not None for field in FIELDS_READ_FROM_THE_DATABASE
    )


async def avalidated_prompt_request(data: Any) -> dict[str, Any]:
    """validated_prompt_request for code on the event loop: there, unless a field that names
    a row needs the database; then on the request's thread, its connection given back."""
    if not reads_the_database(data):
        return validated_prompt_request(data)
    return await on_request_thread(validated_prompt_request, data)


def validated_run(data: Any, user_id: int | None, channel: str) -> tuple[RunRequest, bool]:
    """The run of a prompt request (a template's prompt input reads the template), with
    whether to stream it (the validated `stream`: "false" is false, as in every other field)."""
    valid = validated_prompt_request(data)
    return RunRequest.from_validated(valid, user_id=user_id, channel=channel), valid["stream"]


async def avalidated_run(
    data: Any, *, user_id: int | None, channel: str
) -> tuple[RunRequest, bool]:
    """validated_run from the event loop: inline unless the body names a row."""
    if not reads_the_database(data):
        return validated_run(data, user_id, channel)
    return await on_request_thread(validated_run, data, user_id, channel)
