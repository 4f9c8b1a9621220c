"""A/B experiments: creating them, and answering a run with one variant per user.

Assignment is sticky and deterministic: a hash of (experiment id, user id) picks a point in
[0, total weight), and the variants own consecutive slices of it in id order. The same user
always lands on the same variant of an experiment, on every worker, without storing anything;
over many users the split follows the weights.
"""

import hashlib
from dataclasses import dataclass
from typing import Any

from django.db import transaction

from hawk.database.integrity import unique_field
from hawk.web.errors import HawkError
from templates_app.models import Experiment, PromptTemplate, Variant


@dataclass(frozen=True)
class TemplateChoice:
    """The template a run uses, and the experiment variant that chose it (if any)."""

    template: PromptTemplate
    experiment_id: int | None = None
    variant: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.template.pk,
            "version": self.template.version,
            "experiment_id": self.experiment_id,
            "variant": self.variant or None,
        }


def assignment_point(*, experiment_id: int, user_id: int | None, total: int) -> int:
    material = f"hawk-experiment:{experiment_id}:user:{user_id or 'anonymous'}".encode()
    return int.from_bytes(hashlib.sha256(material).digest()[:8], "big") % total


def variant_for_user(*, experiment: Experiment, user_id: int | None) -> Variant:
    variants = sorted(experiment.variants.all(), key=lambda variant: variant.pk)
    point = assignment_point(
        experiment_id=experiment.pk, user_id=user_id, total=sum(v.weight for v in variants)
    )
    for variant in variants:
        if point < variant.weight:
            return variant
        point -= variant.weight
    raise AssertionError("the point lies within the total weight")


def running_experiment_of(template_id: int) -> Experiment | None:
    return (
        Experiment.objects.filter(status=Experiment.Status.RUNNING, variants__template=template_id)
        .prefetch_related("variants__template")
        .first()
    )


def template_for_run(*, template_id: int, user_id: int | None) -> TemplateChoice:
    """The template a run asking for `template_id` uses: itself, or, while an experiment
    holding it runs, this user's variant. An archived template cannot be run (409)."""
    experiment = running_experiment_of(template_id)
    if experiment is None:
        template = PromptTemplate.objects.filter(pk=template_id).first()
        if template is None:
            raise HawkError.invalid_field(
                "template_id", f"no prompt template with id {template_id}"
            )
        choice = TemplateChoice(template)
    else:
        variant = variant_for_user(experiment=experiment, user_id=user_id)
        choice = TemplateChoice(variant.template, experiment.pk, variant.label)
    if choice.template.status == PromptTemplate.Status.ARCHIVED:
        raise HawkError("conflict", f"template {choice.template.pk} is archived and cannot be run")
    return choice


def _check_variants(variants: list[dict[str, Any]]) -> None:
    labels = [v["label"] for v in variants]
    templates = [v["template"].pk for v in variants]
    if len(variants) < 2:
        raise HawkError.invalid_field("variants", "an experiment needs at least two variants")
    if len(set(labels)) != len(labels):
        raise HawkError.invalid_field("variants", "variant labels must differ")
    if len(set(templates)) != len(templates):
        raise HawkError.invalid_field("variants", "each variant needs its own template")
    archived = [v["template"].pk for v in variants if v["template"].status == "archived"]
    if archived:
        raise HawkError.invalid_field("variants", f"template(s) {archived} are archived")
    if len({_input_signature(v["template"]) for v in variants}) > 1:
        raise HawkError.invalid_field(
            "variants", "the variants' templates must have the same input fields (names and types)"
        )


def _input_signature(template: PromptTemplate) -> frozenset[tuple[str, str]]:
    """What a user's variables must fit: any variant may answer them."""
    return frozenset((field["name"], field.get("type", "text")) for field in template.input_fields)


# The status only moves forward: a stopped experiment's results stay those of its run, and a
# running one never goes back to a draft whose variants could change under its users.
FORWARD: dict[str, set[str]] = {
    Experiment.Status.DRAFT: {Experiment.Status.RUNNING, Experiment.Status.STOPPED},
    Experiment.Status.RUNNING: {Experiment.Status.STOPPED},
    Experiment.Status.STOPPED: set(),
}


def _check_status_move(experiment: Experiment, status: str) -> None:
    if status != experiment.status and status not in FORWARD[experiment.status]:
        raise HawkError(
            "conflict", f"an experiment's status cannot move from {experiment.status} to {status}"
        )


def check_not_in_running_experiment(template: PromptTemplate) -> None:
    """A template a running experiment answers with cannot be archived: its users would get
    409s. Stop the experiment first."""
    experiment = running_experiment_of(template.pk)
    if experiment is not None:
        raise HawkError(
            "conflict",
            f"template {template.pk} is in the running experiment {experiment.pk} "
            f"({experiment.name}): stop it first",
        )


def _check_no_overlap(experiment: Experiment) -> None:
    """A template runs in one experiment at a time, or its runs could not be attributed."""
    if experiment.status != Experiment.Status.RUNNING:
        return
    templates = experiment.variants.values_list("template", flat=True)
    clash = (
        Experiment.objects.filter(
            status=Experiment.Status.RUNNING, variants__template__in=templates
        )
        .exclude(pk=experiment.pk)
        .first()
    )
    if clash is not None:
        raise HawkError("conflict", f"experiment {clash.pk} ({clash.name}) already runs a template")


def _set_variants(experiment: Experiment, variants: list[dict[str, Any]]) -> None:
    _check_variants(variants)
    experiment.variants.all().delete()
    Variant.objects.bulk_create(
        Variant(experiment=experiment, template=v["template"], label=v["label"], weight=v["weight"])
        for v in variants
    )


@transaction.atomic
def experiment_create(
    *, name: str, variants: list[dict[str, Any]], status: str, user: Any = None
) -> Experiment:
    if Experiment.objects.filter(name=name).exists():
        raise HawkError.invalid_field("name", "an experiment with this name exists")
    creator = user if user is not None and user.is_authenticated else None
    with unique_field("name", "an experiment with this name exists"):
        experiment = Experiment.objects.create(name=name, status=status, created_by=creator)
    _set_variants(experiment, variants)
    _check_no_overlap(experiment)
    return experiment


@transaction.atomic
def experiment_update(*, experiment: Experiment, values: dict[str, Any]) -> Experiment:
    """Name and status may change any time; variants only while the experiment is a draft
    (changing weights mid-run would move users between variants)."""
    if "variants" in values:
        if experiment.status != Experiment.Status.DRAFT:
            raise HawkError("conflict", "variants can only change while the experiment is a draft")
        _set_variants(experiment, values["variants"])
    if "name" in values and values["name"] != experiment.name:
        if Experiment.objects.filter(name=values["name"]).exclude(pk=experiment.pk).exists():
            raise HawkError.invalid_field("name", "an experiment with this name exists")
        experiment.name = values["name"]
    _check_status_move(experiment, values.get("status", experiment.status))
    experiment.status = values.get("status", experiment.status)
    with unique_field("name", "an experiment with this name exists"):
        experiment.save()
    _check_no_overlap(experiment)
    return experiment
