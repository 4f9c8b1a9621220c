"""Helpers of the admin tests (tests/hawk/admin, tests/templates_app/test_admin.py): the models
an app registers, their admin URLs, and checks that a registered model's pages list, open,
search, filter and show its history."""

import datetime

import pytest
from django.contrib import admin
from django.contrib.admin.utils import quote
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from simple_history.admin import SimpleHistoryAdmin

NO_MATCH = "zz-matches-no-row"


def registered_models(app_label: str) -> list[type[models.Model]]:
    found = [model for model in admin.site._registry if model._meta.app_label == app_label]
    return sorted(found, key=lambda model: model.__name__)


def has_history(model: type[models.Model]) -> bool:
    return hasattr(model._meta, "simple_history_manager_attribute")


def model_id(model: type[models.Model]) -> str:
    return model.__name__


def admin_url(model: type[models.Model], view: str, *args: object) -> str:
    opts = model._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_{view}", args=args)


def change_url(obj: models.Model) -> str:
    return admin_url(type(obj), "change", quote(obj.pk))


def row_of(rows: dict[type[models.Model], models.Model], model: type[models.Model]):
    if model not in rows:
        pytest.fail(f"no test row for {model.__name__}: add one to the rows fixture")
    return rows[model]


def lists_row(response, obj: models.Model) -> bool:
    return change_url(obj) in response.content.decode()


def value_at(obj: models.Model, path: str) -> object:
    """The value a search field such as "=entity__entity_id" reads from `obj`."""
    value: object = obj
    for part in path.lstrip("^=@").split("__"):
        value = getattr(value, part)
    return value


def assert_changelist_lists(client, obj: models.Model) -> None:
    response = client.get(admin_url(type(obj), "changelist"))
    assert response.status_code == 200
    assert lists_row(response, obj)


def assert_change_page_loads(client, obj: models.Model) -> None:
    response = client.get(change_url(obj))
    assert response.status_code == 200
    assert escape(str(obj)) in response.content.decode()


def assert_search_finds(client, obj: models.Model) -> None:
    changelist = admin_url(type(obj), "changelist")
    search_fields = admin.site._registry[type(obj)].search_fields
    term = str(value_at(obj, search_fields[0])) if search_fields else str(obj.pk)

    found = client.get(changelist, {"q": term})
    missed = client.get(changelist, {"q": NO_MATCH})

    assert found.status_code == 200
    assert missed.status_code == 200
    assert lists_row(found, obj)
    if search_fields:
        assert not lists_row(missed, obj)
    else:  # without search fields the admin ignores q
        assert lists_row(missed, obj)


def assert_filters_work(client, obj: models.Model) -> None:
    """Every filter choice the changelist offers loads (a bad one redirects with ?e=1)."""
    changelist = admin_url(type(obj), "changelist")
    cl = client.get(changelist).context["cl"]
    queries = {choice["query_string"] for spec in cl.filter_specs for choice in spec.choices(cl)}
    queries.discard("?")
    assert bool(queries) == bool(admin.site._registry[type(obj)].list_filter)
    matched = []
    for query in sorted(queries):
        response = client.get(changelist + query)
        assert response.status_code == 200, query
        matched.append(lists_row(response, obj))
    assert not queries or any(matched), "no filter choice lists the row"


def assert_date_hierarchy_works(client, obj: models.Model) -> None:
    field = admin.site._registry[type(obj)].date_hierarchy
    value = value_at(obj, field)
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value)
    response = client.get(admin_url(type(obj), "changelist"), {f"{field}__year": value.year})
    assert response.status_code == 200
    assert lists_row(response, obj)


def assert_history_lists(client, obj: models.Model) -> None:
    model = type(obj)
    assert isinstance(admin.site._registry[model], SimpleHistoryAdmin)
    record = obj.history.latest()
    record_url = admin_url(model, "simple_history", quote(obj.pk), record.pk)

    history = client.get(admin_url(model, "history", quote(obj.pk)))
    assert history.status_code == 200
    assert record_url in history.content.decode()
    assert client.get(record_url).status_code == 200
