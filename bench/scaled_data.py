"""A scaled dataset for the benchmark: 2,000 entities, 200,000 positions, 100,000 allocations,
added beside the demo data (same currencies and configuration), deterministically.

Rows carry their ids (NAV-SCALE-0000001, ...): generating 300,000 ids one at a time would
measure the id sequence, not the pipeline."""

import datetime
import random
from decimal import Decimal

from hawk.models import Allocation, Currency, Entity, PositionNav

ENTITY_TYPES = ("Branch", "Subsidiary", "Associate", "TMU")
STATUSES = ("Calculated", "Approved", "Executed", "Rejected", "Closed")
BATCH = 5000


def _entities(count: int, currencies: list[str]) -> list[Entity]:
    return [
        Entity(
            entity_id=f"SCALE{index:05d}",
            entity_name=f"Scaled entity {index}",
            entity_type=ENTITY_TYPES[index % 4],
            currency_id=currencies[index % len(currencies)],
            car_exemption_flag="N",
            active_flag="Y",
        )
        for index in range(count)
    ]


def _positions(entities: list[Entity], total: int, business_date: datetime.date, rng) -> list:
    dates_per_nav = total // (len(entities) * 2)
    rows: list[PositionNav] = []
    for entity in entities:
        for nav in ("COI", "RE"):
            for step in range(dates_per_nav):
                rows.append(
                    PositionNav(
                        nav_id=f"NAV-SCALE-{len(rows) + 1:07d}",
                        entity_id=entity.entity_id,
                        currency_id=entity.currency_id,
                        as_of_date=business_date - datetime.timedelta(days=7 * step),
                        nav_type=nav,
                        position_type="NET",
                        current_position=Decimal(rng.randrange(1_000_000, 900_000_000)),
                    )
                )
    return rows


def _allocations(entities: list[Entity], total: int, business_date: datetime.date, rng) -> list:
    rows = []
    for index in range(total):
        entity = entities[index % len(entities)]
        rows.append(
            Allocation(
                allocation_id=f"ALLOC-SCALE-{index + 1:07d}",
                entity_id=entity.entity_id,
                currency_id=entity.currency_id,
                nav_type=("COI", "RE")[index % 2],
                hedge_amount_allocation=Decimal(rng.randrange(10_000, 5_000_000)),
                allocation_status=STATUSES[index % 5],
                maturity_date=business_date + datetime.timedelta(days=rng.randrange(1, 365)),
            )
        )
    return rows


def add_scaled_data(
    business_date: datetime.date,
    *,
    entities: int = 2000,
    positions: int = 200_000,
    allocations: int = 100_000,
) -> dict[str, int]:
    rng = random.Random(20261120)
    currencies = sorted(Currency.objects.values_list("currency_code", flat=True))
    new_entities = _entities(entities, currencies)
    Entity.objects.bulk_create(new_entities, batch_size=BATCH)
    PositionNav.objects.bulk_create(
        _positions(new_entities, positions, business_date, rng), batch_size=BATCH
    )
    Allocation.objects.bulk_create(
        _allocations(new_entities, allocations, business_date, rng), batch_size=BATCH
    )
    return {
        "entities": Entity.objects.count(),
        "positions": PositionNav.objects.count(),
        "allocations": Allocation.objects.count(),
    }
