"""factory_boy factories for every HAWK table: valid rows with plain, predictable values.

Keys come from sequences (XAA, XAB, ... currencies; ENTITY0001, ... entities), amounts are round
Decimals, dates sit on 2024-06-28, statuses are the ones that count (an Approved allocation or
overlay). References are SubFactories that agree with each other (an entity's position is in the
entity's currency), so `PositionNavFactory()` alone is a valid row.
"""

import datetime
from decimal import Decimal
from typing import Any

import factory
from factory.django import DjangoModelFactory

from hawk import models

AS_OF = datetime.date(2024, 6, 28)


def currency_code(n: int) -> str:
    """XAA, XAB, ... XZZ, YAA, ...: three capitals, like an ISO 4217 code."""
    return f"{chr(88 + n // 676 % 3)}{chr(65 + n // 26 % 26)}{chr(65 + n % 26)}"


class CurrencyFactory(DjangoModelFactory):
    class Meta:
        model = models.Currency
        django_get_or_create = ("currency_code",)

    currency_code = factory.Sequence(currency_code)
    currency_name = factory.LazyAttribute(lambda o: f"Currency {o.currency_code}")
    currency_type = models.CurrencyType.MATCHED
    aliases = factory.LazyFunction(list)


class EntityFactory(DjangoModelFactory):
    class Meta:
        model = models.Entity
        django_get_or_create = ("entity_id",)

    entity_id = factory.Sequence(lambda n: f"ENTITY{n + 1:04d}")
    entity_name = factory.LazyAttribute(lambda o: f"Entity {o.entity_id[-4:]}")
    entity_type = models.EntityType.SUBSIDIARY
    currency = factory.SubFactory(CurrencyFactory)
    parent_entity = None


class HedgingFrameworkFactory(DjangoModelFactory):
    class Meta:
        model = models.HedgingFramework

    entity = factory.SubFactory(EntityFactory)
    currency = factory.SelfAttribute("entity.currency")
    framework_type = models.HedgingFramework.FrameworkType.FULLY_HEDGE
    hedge_ratio = Decimal("100.0000")


class BufferConfigurationFactory(DjangoModelFactory):
    """A currency-wide buffer (no entity, no NAV type)."""

    class Meta:
        model = models.BufferConfiguration

    entity = None
    currency = factory.SubFactory(CurrencyFactory)
    nav_type = None
    buffer_percentage = Decimal("5.0000")


class OverlayConfigurationFactory(DjangoModelFactory):
    class Meta:
        model = models.OverlayConfiguration

    entity = factory.SubFactory(EntityFactory)
    currency = factory.SelfAttribute("entity.currency")
    nav_type = models.NavType.COI
    overlay_amount = Decimal("100000.0000")
    approval_status = models.OverlayConfiguration.ApprovalStatus.APPROVED


class ThresholdConfigurationFactory(DjangoModelFactory):
    class Meta:
        model = models.ThresholdConfiguration

    threshold_type = models.ThresholdConfiguration.ThresholdType.USD_PB_DEPOSIT
    currency = factory.SubFactory(CurrencyFactory)
    warning_level = Decimal("8000000.0000")
    critical_level = Decimal("9000000.0000")
    maximum_limit = Decimal("10000000.0000")


class WaterfallLogicConfigurationFactory(DjangoModelFactory):
    class Meta:
        model = models.WaterfallLogicConfiguration

    waterfall_type = models.WaterfallLogicConfiguration.WaterfallType.OPENING
    currency = None
    entity_type = models.EntityType.SUBSIDIARY
    nav_type = models.NavType.COI
    priority_level = factory.Sequence(lambda n: n + 1)


class InstructionEventConfigFactory(DjangoModelFactory):
    """One booking model per NAV type and currency type (a unique pair), so get-or-create."""

    class Meta:
        model = models.InstructionEventConfig
        django_get_or_create = ("nav_type", "currency_type")

    nav_type = models.NavType.COI
    currency_type = models.CurrencyType.MATCHED
    hedging_instrument = "FX Swap"
    accounting_method = "Net investment hedge"
    booking_model = factory.LazyAttribute(lambda o: f"A-{o.nav_type}")
    deal_count = 2
    gl_entry_count = 2


class CurrencyRateFactory(DjangoModelFactory):
    class Meta:
        model = models.CurrencyRate

    currency_pair = "USDSGD"
    rate_type = "SPOT"
    rate_value = Decimal("1.3500000000")
    effective_date = datetime.datetime(2024, 6, 28, 8, 0, tzinfo=datetime.UTC)


class PositionNavFactory(DjangoModelFactory):
    class Meta:
        model = models.PositionNav

    entity = factory.SubFactory(EntityFactory)
    currency = factory.SelfAttribute("entity.currency")
    as_of_date = AS_OF
    nav_type = models.NavType.COI
    current_position = Decimal("10000000.0000")


class HedgeInstructionFactory(DjangoModelFactory):
    class Meta:
        model = models.HedgeInstruction

    msg_uid = factory.Sequence(lambda n: f"MSG{n + 1:06d}")
    instruction_type = models.HedgeInstruction.InstructionType.INCEPTION
    instruction_date = AS_OF
    exposure_currency = factory.SubFactory(CurrencyFactory)
    entity = factory.SubFactory(
        EntityFactory, currency=factory.SelfAttribute("..exposure_currency")
    )
    nav_type = models.NavType.COI
    order_id = factory.Sequence(lambda n: f"ORD{n + 1:06d}")
    hedge_amount_order = Decimal("1000000.0000")


class AllocationFactory(DjangoModelFactory):
    class Meta:
        model = models.Allocation

    request = None
    entity = factory.SubFactory(EntityFactory)
    currency = factory.SelfAttribute("entity.currency")
    nav_type = models.NavType.COI
    hedge_amount_allocation = Decimal("500000.0000")
    allocation_status = models.Allocation.Status.APPROVED
    execution_date = AS_OF
    maturity_date = AS_OF + datetime.timedelta(days=90)


class HedgeEffectivenessFactory(DjangoModelFactory):
    class Meta:
        model = models.HedgeEffectiveness

    allocation = factory.SubFactory(AllocationFactory)
    test_date = AS_OF
    hedged_item_change = Decimal("-100000.0000")
    instrument_change = Decimal("98000.0000")
    ratio = Decimal("0.9800000000")
    result = models.HedgeEffectiveness.Result.PASS


def _instruction_entity(event: Any) -> models.Entity:
    """The instruction's entity, or a new one in its currency when it has none."""
    instruction = event.instruction
    return instruction.entity or EntityFactory(currency=instruction.exposure_currency)


class HedgeBusinessEventFactory(DjangoModelFactory):
    class Meta:
        model = models.HedgeBusinessEvent

    instruction = factory.SubFactory(HedgeInstructionFactory)
    entity = factory.LazyAttribute(_instruction_entity)
    business_event_type = models.HedgeBusinessEvent.EventType.INITIATION
    nav_type = models.NavType.COI
    currency = factory.SelfAttribute("instruction.exposure_currency")
    notional_amount = factory.SelfAttribute("instruction.hedge_amount_order")
    trade_date = AS_OF
    value_date = AS_OF + datetime.timedelta(days=2)
    maturity_date = AS_OF + datetime.timedelta(days=92)


class DealBookingFactory(DjangoModelFactory):
    class Meta:
        model = models.DealBooking

    event = factory.SubFactory(HedgeBusinessEventFactory)
    deal_sequence = factory.Sequence(lambda n: n % 30000 + 1)
    deal_type = models.DealBooking.DealType.FX_SWAP
    sell_currency = factory.SelfAttribute("event.currency_id")
    sell_amount = Decimal("1000000.0000")
    buy_currency = "SGD"
    buy_amount = Decimal("1350000.0000")
    fx_rate = Decimal("1.3500000000")
    trade_date = AS_OF
    value_date = AS_OF + datetime.timedelta(days=2)


class GlEntryFactory(DjangoModelFactory):
    class Meta:
        model = models.GlEntry

    event = factory.SubFactory(HedgeBusinessEventFactory)
    entry_type = "Hedge designation"
    posting_date = AS_OF
    debit_account = "100100"
    credit_account = "200200"
    amount_sgd = Decimal("1350000.0000")
    entity = factory.SelfAttribute("event.entity")
