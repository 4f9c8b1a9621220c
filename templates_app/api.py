"""REST API of prompt templates and A/B experiments (API.md, "Templates" and "A/B
experiments"): one small API class per path, each with its own input and output serializers;
views validate, call one service or selector, serialize."""

from typing import Any

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from hawk.web.inputs import PAGE_PARAMETERS, checked_query, reject_unknown_query
from hawk.web.openapi import error_responses
from hawk.web.openapi import paginated as paginated_schema
from hawk.web.pagination import paginated
from hawk.web.roles import MethodPermission
from templates_app import experiments, selectors, services
from templates_app.models import Category, Experiment, Family, PromptTemplate, TemplateVersion
from templates_app.rendering import render_template
from templates_app.results import experiment_results
from templates_app.variables import validated_variables

VIEW_TEMPLATES = "templates_app.view_prompttemplate"
ADD_TEMPLATES = "templates_app.add_prompttemplate"
CHANGE_TEMPLATES = "templates_app.change_prompttemplate"
VIEW_EXPERIMENTS = "templates_app.view_experiment"
ADD_EXPERIMENTS = "templates_app.add_experiment"
CHANGE_EXPERIMENTS = "templates_app.change_experiment"


class TemplatesApi(APIView):
    permission_classes = [MethodPermission]
    method_permissions: dict[str, str] = {}


def _serialized(serializer: type) -> Any:
    return lambda page: serializer(page, many=True).data


# --- Templates ------------------------------------------------------------------------------


class TemplateListOutput(serializers.ModelSerializer):
    class Meta:
        model = PromptTemplate
        fields = [
            "id",
            "name",
            "family_type",
            "template_category",
            "description",
            "input_fields",
            "status",
            "version",
            "display_order",
            "usage_count",
        ]


class TemplateDetailOutput(serializers.ModelSerializer):
    class Meta:
        model = PromptTemplate
        fields = [
            *TemplateListOutput.Meta.fields,
            "prompt_text",
            "data_requirements",
            "analysis_instructions",
            "uuid",
            "created_at",
            "updated_at",
            "created_by",
            "updated_by",
        ]


class TemplateFilters(serializers.Serializer):
    family = serializers.ChoiceField(choices=Family.choices, required=False)
    category = serializers.ChoiceField(choices=Category.choices, required=False)
    status = serializers.ChoiceField(choices=PromptTemplate.Status.choices, required=False)
    search = serializers.CharField(required=False, max_length=200)


class TemplateInput(serializers.Serializer):
    name = serializers.CharField(max_length=120)
    family_type = serializers.ChoiceField(choices=Family.choices)
    template_category = serializers.ChoiceField(choices=Category.choices)
    description = serializers.CharField(required=False, allow_blank=True, max_length=4000)
    prompt_text = serializers.CharField(max_length=4000)
    input_fields = serializers.JSONField(
        required=False, help_text="[{name, label, type, required, choices}]"
    )
    data_requirements = serializers.JSONField(required=False, help_text="{sources: [...], scope}")
    analysis_instructions = serializers.CharField(required=False, allow_blank=True, max_length=8000)
    status = serializers.ChoiceField(choices=PromptTemplate.Status.choices, required=False)
    display_order = serializers.IntegerField(required=False, min_value=0, max_value=100000)
    change_note = serializers.CharField(required=False, allow_blank=True, max_length=500)

    def validate_name(self, value: str) -> str:
        clash = PromptTemplate.objects.filter(name=value)
        if self.instance is not None:
            clash = clash.exclude(pk=self.instance.pk)
        if clash.exists():
            raise serializers.ValidationError("a template with this name exists")
        return value

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        """Content is checked as it will be saved: the template's current values where the
        request leaves them out (PATCH)."""
        current = self.instance
        merged = {
            name: attrs.get(name, getattr(current, name, default))
            for name, default in (
                ("prompt_text", ""),
                ("input_fields", []),
                ("data_requirements", {}),
            )
        }
        services.check_content(merged)
        return attrs


def _template_values(data: dict[str, Any]) -> tuple[dict[str, Any], str]:
    values = dict(data)
    note = values.pop("change_note", "")
    return values, note


@extend_schema(tags=["templates"])
class TemplateListApi(TemplatesApi):
    method_permissions = {"GET": VIEW_TEMPLATES, "POST": ADD_TEMPLATES}

    @extend_schema(
        summary="Prompt templates, filtered and paginated",
        operation_id="api_templates_list",
        parameters=[
            TemplateFilters,
            OpenApiParameter("page", int),
            OpenApiParameter("page_size", int, description="at most 200"),
        ],
        responses={
            200: paginated_schema("TemplatePage", TemplateListOutput),
            **error_responses(400),
        },
    )
    def get(self, request: Request) -> Response:
        filters = checked_query(TemplateFilters, request, also=PAGE_PARAMETERS)
        templates = selectors.template_list(**filters)
        return paginated(request, self, templates, _serialized(TemplateListOutput))

    @extend_schema(
        summary="Create a template (version 1)",
        request=TemplateInput,
        responses={201: TemplateDetailOutput, **error_responses(400)},
    )
    def post(self, request: Request) -> Response:
        body = TemplateInput(data=request.data)
        body.is_valid(raise_exception=True)
        values, note = _template_values(body.validated_data)
        template = services.template_create(values=values, user=request.user, change_note=note)
        return Response(TemplateDetailOutput(template).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=["templates"])
class TemplateDetailApi(TemplatesApi):
    method_permissions = {
        "GET": VIEW_TEMPLATES,
        "PATCH": CHANGE_TEMPLATES,
        "DELETE": CHANGE_TEMPLATES,
    }

    @extend_schema(
        summary="One template with its text, requirements and instructions",
        responses={200: TemplateDetailOutput, **error_responses(404)},
    )
    def get(self, request: Request, template_id: int) -> Response:
        template = get_object_or_404(PromptTemplate, pk=template_id)
        return Response(TemplateDetailOutput(template).data)

    @extend_schema(
        summary="Change a template; a change of content makes a new version",
        request=TemplateInput(partial=True),
        responses={200: TemplateDetailOutput, **error_responses(400, 404)},
    )
    def patch(self, request: Request, template_id: int) -> Response:
        template = get_object_or_404(PromptTemplate, pk=template_id)
        body = TemplateInput(template, data=request.data, partial=True)
        body.is_valid(raise_exception=True)
        values, note = _template_values(body.validated_data)
        services.template_update(
            template=template, values=values, user=request.user, change_note=note
        )
        return Response(TemplateDetailOutput(template).data)

    @extend_schema(
        summary="Archive a template (it stays, with its versions; it cannot be run)",
        responses={200: TemplateDetailOutput, **error_responses(404)},
    )
    def delete(self, request: Request, template_id: int) -> Response:
        template = get_object_or_404(PromptTemplate, pk=template_id)
        services.template_archive(template=template, user=request.user)
        return Response(TemplateDetailOutput(template).data)


class VersionOutput(serializers.ModelSerializer):
    changed_by: serializers.SlugRelatedField = serializers.SlugRelatedField(
        slug_field="username", read_only=True
    )

    class Meta:
        model = TemplateVersion
        fields = [
            "version",
            "changed_by",
            "changed_at",
            "change_note",
            "prompt_text",
            "input_fields",
            "data_requirements",
            "analysis_instructions",
        ]


@extend_schema(tags=["templates"])
class TemplateVersionListApi(TemplatesApi):
    method_permissions = {"GET": VIEW_TEMPLATES}

    @extend_schema(
        summary="A template's versions, newest first",
        operation_id="api_templates_versions_list",
        responses={
            200: paginated_schema("TemplateVersionPage", VersionOutput),
            **error_responses(404),
        },
    )
    def get(self, request: Request, template_id: int) -> Response:
        template = get_object_or_404(PromptTemplate, pk=template_id)
        versions = selectors.template_versions(template=template)
        return paginated(request, self, versions, _serialized(VersionOutput))


class RestoreInput(serializers.Serializer):
    change_note = serializers.CharField(required=False, allow_blank=True, max_length=500)


@extend_schema(tags=["templates"])
class TemplateRestoreApi(TemplatesApi):
    method_permissions = {"POST": CHANGE_TEMPLATES}

    @extend_schema(
        summary="Make an old version's content the newest version",
        request=RestoreInput,
        responses={200: TemplateDetailOutput, **error_responses(400, 404, 409)},
    )
    def post(self, request: Request, template_id: int, version: int) -> Response:
        template = get_object_or_404(PromptTemplate, pk=template_id)
        old = get_object_or_404(TemplateVersion, template=template, version=version)
        body = RestoreInput(data=request.data)
        body.is_valid(raise_exception=True)
        note = body.validated_data.get("change_note", "")
        services.template_restore(
            template=template, version=old, user=request.user, change_note=note
        )
        return Response(TemplateDetailOutput(template).data)


class RenderInput(serializers.Serializer):
    variables = serializers.DictField(
        required=False, default=dict, help_text="values by input field name"
    )


RenderOutput = inline_serializer(
    "RenderedTemplate",
    {
        "prompt": serializers.CharField(),
        "template_id": serializers.IntegerField(),
        "version": serializers.IntegerField(),
        "missing": serializers.ListField(child=serializers.CharField()),
    },
)


@extend_schema(tags=["templates"])
class TemplateRenderApi(TemplatesApi):
    method_permissions = {"POST": VIEW_TEMPLATES}

    @extend_schema(
        summary="Render a template with typed, checked variables",
        description="A missing required variable or a bad value is a 400 whose `fields` "
        "names it `variables.<name>`.",
        request=RenderInput,
        responses={200: RenderOutput, **error_responses(400, 404)},
    )
    def post(self, request: Request, template_id: int) -> Response:
        template = get_object_or_404(PromptTemplate, pk=template_id)
        body = RenderInput(data=request.data)
        body.is_valid(raise_exception=True)
        clean = validated_variables(template, body.validated_data["variables"])
        rendered = render_template(template, clean)
        return Response(
            {
                "prompt": rendered.prompt,
                "template_id": template.pk,
                "version": template.version,
                "missing": rendered.missing,
            }
        )


# --- Experiments ----------------------------------------------------------------------------


class VariantInput(serializers.Serializer):
    template_id = serializers.PrimaryKeyRelatedField(queryset=PromptTemplate.objects.all())
    label = serializers.CharField(max_length=40)  # type: ignore[assignment]
    weight = serializers.IntegerField(min_value=1, max_value=1000, default=1)


class ExperimentInput(serializers.Serializer):
    name = serializers.CharField(max_length=120)
    status = serializers.ChoiceField(choices=Experiment.Status.choices, default="draft")
    variants = VariantInput(many=True)


def _variants(data: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        {"template": v["template_id"], "label": v["label"], "weight": v.get("weight", 1)}
        for v in data
    ]


class VariantOutput(serializers.Serializer):
    template_id = serializers.IntegerField()
    template_name = serializers.CharField(source="template.name")
    template_version = serializers.IntegerField(source="template.version")
    label = serializers.CharField()  # type: ignore[assignment]
    weight = serializers.IntegerField()


class ExperimentOutput(serializers.ModelSerializer):
    variants = VariantOutput(many=True, read_only=True)

    class Meta:
        model = Experiment
        fields = ["id", "name", "status", "variants", "created_at", "updated_at"]


@extend_schema(tags=["experiments"])
class ExperimentListApi(TemplatesApi):
    method_permissions = {"GET": VIEW_EXPERIMENTS, "POST": ADD_EXPERIMENTS}

    @extend_schema(
        summary="A/B experiments, newest first",
        operation_id="api_experiments_list",
        responses={200: paginated_schema("ExperimentPage", ExperimentOutput), **error_responses()},
    )
    def get(self, request: Request) -> Response:
        reject_unknown_query(request, PAGE_PARAMETERS)
        return paginated(request, self, selectors.experiment_list(), _serialized(ExperimentOutput))

    @extend_schema(
        summary="Create an experiment between variants (templates) with weights",
        request=ExperimentInput,
        responses={201: ExperimentOutput, **error_responses(400, 409)},
    )
    def post(self, request: Request) -> Response:
        body = ExperimentInput(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        experiment = experiments.experiment_create(
            name=data["name"],
            status=data["status"],
            variants=_variants(data["variants"]),
            user=request.user,
        )
        return Response(ExperimentOutput(experiment).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=["experiments"])
class ExperimentDetailApi(TemplatesApi):
    method_permissions = {"GET": VIEW_EXPERIMENTS, "PATCH": CHANGE_EXPERIMENTS}

    @extend_schema(
        summary="One experiment", responses={200: ExperimentOutput, **error_responses(404)}
    )
    def get(self, request: Request, experiment_id: int) -> Response:
        return Response(ExperimentOutput(get_object_or_404(Experiment, pk=experiment_id)).data)

    @extend_schema(
        summary="Rename, start or stop an experiment; variants change only in draft",
        request=ExperimentInput(partial=True),
        responses={200: ExperimentOutput, **error_responses(400, 404, 409)},
    )
    def patch(self, request: Request, experiment_id: int) -> Response:
        experiment = get_object_or_404(Experiment, pk=experiment_id)
        body = ExperimentInput(data=request.data, partial=True)
        body.is_valid(raise_exception=True)
        values = dict(body.validated_data)
        if "variants" in values:
            values["variants"] = _variants(values["variants"])
        experiments.experiment_update(experiment=experiment, values=values)
        return Response(ExperimentOutput(experiment).data)


ResultsOutput = inline_serializer(
    "ExperimentResults",
    {
        "experiment_id": serializers.IntegerField(),
        "name": serializers.CharField(),
        "status": serializers.CharField(),
        "variants": serializers.ListField(child=serializers.DictField()),
        "comparison": inline_serializer(
            "ExperimentComparison",
            {
                "metric": serializers.CharField(),
                "p_value": serializers.FloatField(allow_null=True),
                "winner": serializers.CharField(allow_null=True),
            },
        ),
    },
)


@extend_schema(tags=["experiments"])
class ExperimentResultsApi(TemplatesApi):
    method_permissions = {"GET": VIEW_EXPERIMENTS}

    @extend_schema(
        summary="Per-variant runs, feedback, quality, latency, tokens and cost, and a "
        "two-proportion test on like rate",
        responses={200: ResultsOutput, **error_responses(404)},
    )
    def get(self, request: Request, experiment_id: int) -> Response:
        experiment = get_object_or_404(Experiment, pk=experiment_id)
        return Response(experiment_results(experiment))
