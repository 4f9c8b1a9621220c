"""A model's row inserted, or updated by primary key, with SQL built once per database and set
of columns: each call only binds its values, prepared as the ORM prepares them
(field.pre_save, then get_db_prep_save).

For the rows written on every run (prompt history, twice a run): Model.save and
QuerySet.update compile their statement anew each time through the model's save machinery,
about 6% of a run's instructions (bench/instructions.py). Model.save also sends pre_save
and post_save; while any receiver listens for the model, insert() saves through the ORM
instead, so none is missed.
"""

import functools
from collections.abc import Mapping
from typing import Any

from django.db import connections, models, router, transaction
from django.db.models.signals import post_save, pre_save


def insert(model: type[models.Model], values: Mapping[str, Any]) -> None:
    """model.objects.create(**values), without its return value."""
    instance = model(**values)  # defaults, and a TypeError for a field the model lacks
    alias = router.db_for_write(model, instance=instance)
    connection = connections[alias]
    statement = _insert_statement(model, alias, connection.vendor)
    if statement is None or pre_save.has_listeners(model) or post_save.has_listeners(model):
        instance.save(force_insert=True, using=alias)
        return
    sql, fields = statement
    # An unsaved related row is refused, as save() refuses it.
    instance._prepare_related_fields_for_save(operation_name="save")  # type: ignore[attr-defined]
    params = [
        field.get_db_prep_save(field.pre_save(instance, True), connection) for field in fields
    ]
    with transaction.mark_for_rollback_on_error(alias), connection.cursor() as cursor:
        cursor.execute(sql, params)


def update(model: type[models.Model], pk: Any, values: Mapping[str, Any]) -> int:
    """model.objects.filter(pk=pk).update(**values) for plain values (no expressions, no
    model instances): the number of rows updated."""
    if not values:
        return 0
    alias = router.db_for_write(model)
    connection = connections[alias]
    sql, fields = _update_statement(model, alias, connection.vendor, tuple(values))
    params = [
        field.get_db_prep_save(values[name], connection)
        for name, field in zip(values, fields, strict=True)
    ]
    params.append(model._meta.pk.get_db_prep_value(pk, connection))
    with transaction.mark_for_rollback_on_error(alias), connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


@functools.cache
def _insert_statement(
    model: type[models.Model], alias: str, vendor: str
) -> tuple[str, tuple[models.Field, ...]] | None:
    """None for what only the ORM writes right: a model with a save() of its own, a child of
    a parent model, a key the database numbers, a database default, a generated column, a
    placeholder of a field's own."""
    quote = connections[alias].ops.quote_name
    fields = tuple(model._meta.local_concrete_fields)
    if (
        model.save is not models.Model.save
        or model._meta.parents
        or model._meta.auto_field is not None
        or any(_compiled_by_the_orm(field) for field in fields)
    ):
        return None
    columns = ", ".join(quote(field.column) for field in fields)
    placeholders = ", ".join(["%s"] * len(fields))
    table = quote(model._meta.db_table)
    # Quoted names of the model's own; every value a parameter.
    return f"INSERT INTO {table} ({columns}) VALUES ({placeholders})", fields  # noqa: S608


@functools.cache
def _update_statement(
    model: type[models.Model], alias: str, vendor: str, names: tuple[str, ...]
) -> tuple[str, tuple[models.Field, ...]]:
    quote = connections[alias].ops.quote_name
    fields: list[models.Field] = []
    for name in names:
        field = model._meta.get_field(name)
        if (
            not isinstance(field, models.Field)
            or not field.concrete
            or field.primary_key
            or field.model is not model
            or _compiled_by_the_orm(field)
        ):
            raise ValueError(f"{model.__name__}.{name} cannot be updated by statements")
        fields.append(field)
    assignments = ", ".join(f"{quote(field.column)} = %s" for field in fields)
    key = quote(model._meta.pk.column)
    table = quote(model._meta.db_table)
    return f"UPDATE {table} SET {assignments} WHERE {key} = %s", tuple(fields)  # noqa: S608


def _compiled_by_the_orm(field: models.Field) -> bool:
    return (
        field.db_default is not models.NOT_PROVIDED
        or getattr(field, "generated", False)
        or hasattr(field, "get_placeholder")
    )
