"""facts_input: the FactsInput of a plan's parameters, tuned by the HAWK_* settings."""

import datetime
from decimal import Decimal

from django.utils import timezone

from hawk.pipeline.facts import FactsInput
from hawk.pipeline.facts.inputs import facts_input
from tests.hawk.pipeline.facts.builders import BUSINESS_DATE, NOW, currency

PARAMETERS = {
    "currency": "CNY",
    "amount": "1500000.50",
    "nav_type": "COI",
    "entity_id": "ENTITY0005",
    "order_id": "ORD-1",
    "unknown_currency": "XYZ",
    "as_of": "2026-10-01",
}
RECORDS = {"currencies": [currency()]}


def test_every_field_comes_from_the_parameters_and_the_settings(settings):
    settings.HAWK_RATE_MAX_AGE_HOURS = 12
    settings.HAWK_ROLLOVER_WINDOW_DAYS = 45
    settings.HAWK_EFFECTIVENESS_MATERIALITY = 250
    as_of = datetime.date(2026, 10, 1)
    built = facts_input(
        intent="inception",
        parameters=PARAMETERS,
        business_date=as_of,
        as_of=as_of,
        records=RECORDS,
        now=NOW,
    )
    assert built == FactsInput(
        intent="inception",
        currency="CNY",
        amount=Decimal("1500000.50"),
        nav_type="COI",
        entity_id="ENTITY0005",
        order_id="ORD-1",
        unknown_currency="XYZ",
        business_date=as_of,
        as_of=as_of,
        records=RECORDS,
        now=NOW,
        rate_max_age_hours=12,
        rollover_window_days=45,
        effectiveness_materiality=Decimal(250),
    )
    assert isinstance(built.effectiveness_materiality, Decimal)


def test_absent_parameters_are_none_and_now_is_the_current_time():
    before = timezone.now()
    built = facts_input(
        intent="general", parameters={}, business_date=BUSINESS_DATE, as_of=None, records={}
    )
    assert (built.currency, built.amount, built.nav_type, built.entity_id) == (None,) * 4
    assert (built.order_id, built.unknown_currency, built.as_of) == (None,) * 3
    assert before <= built.now <= timezone.now()
    assert built.now.tzinfo is not None
