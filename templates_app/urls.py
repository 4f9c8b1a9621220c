from django.urls import path

from templates_app import api

urlpatterns = [
    path("templates/", api.TemplateListApi.as_view(), name="template-list"),
    path("templates/<int:template_id>/", api.TemplateDetailApi.as_view(), name="template-detail"),
    path(
        "templates/<int:template_id>/versions/",
        api.TemplateVersionListApi.as_view(),
        name="template-versions",
    ),
    path(
        "templates/<int:template_id>/versions/<int:version>/restore",
        api.TemplateRestoreApi.as_view(),
        name="template-restore",
    ),
    path(
        "templates/<int:template_id>/render",
        api.TemplateRenderApi.as_view(),
        name="template-render",
    ),
    path("experiments/", api.ExperimentListApi.as_view(), name="experiment-list"),
    path(
        "experiments/<int:experiment_id>/",
        api.ExperimentDetailApi.as_view(),
        name="experiment-detail",
    ),
    path(
        "experiments/<int:experiment_id>/results",
        api.ExperimentResultsApi.as_view(),
        name="experiment-results",
    ),
]
