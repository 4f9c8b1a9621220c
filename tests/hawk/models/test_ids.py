"""Text ids in each table's own style: generated when a row has none, never colliding."""

import re
from decimal import Decimal

import pytest

from hawk.models import IdSequence, ThresholdConfiguration
from tests.hawk.factories import (
    CurrencyFactory,
    PositionNavFactory,
    ThresholdConfigurationFactory,
)

pytestmark = pytest.mark.django_db


def threshold(**values):
    return ThresholdConfiguration(
        threshold_type="CAR_RATIO",
        currency=CurrencyFactory(),
        warning_level=Decimal(1),
        critical_level=Decimal(2),
        maximum_limit=Decimal(3),
        **values,
    )


def test_a_new_row_gets_the_next_id_of_its_table():
    first, second = ThresholdConfigurationFactory(), ThresholdConfigurationFactory()

    assert (first.threshold_id, second.threshold_id) == ("THR-00001", "THR-00002")
    assert re.fullmatch(r"NAV-\d{5}", PositionNavFactory().nav_id)


def test_an_empty_id_from_a_form_is_generated_too():
    row = threshold(threshold_id="")
    row.save()

    assert row.threshold_id == "THR-00001"


def test_a_given_id_is_kept():
    row = threshold(threshold_id="THR-HAWK-7")
    row.save()

    assert ThresholdConfiguration.objects.get().threshold_id == "THR-HAWK-7"


def test_ids_loaded_with_their_own_numbers_are_skipped():
    threshold(threshold_id="THR-00001").save()
    threshold(threshold_id="THR-00420").save()

    generated = threshold()
    generated.save()

    assert generated.threshold_id == "THR-00421"
    assert IdSequence.objects.get(table_name="threshold_configuration").last_value == 421


def test_bulk_created_rows_get_distinct_ids():
    rows = ThresholdConfiguration.objects.bulk_create([threshold() for _ in range(3)])

    assert [row.threshold_id for row in rows] == ["THR-00001", "THR-00002", "THR-00003"]
    assert ThresholdConfiguration.objects.count() == 3
