"""The admin of the HAWK tables: every registered model lists, opens, searches and filters.

The page checks are parametrized over the admin registry, so a newly registered model is
covered as soon as it has a row in `make_hawk_rows` (and fails loudly until it does). The
`assert_*` helpers are in tests/hawk/admin/support.py, shared with tests/templates_app.
"""

import datetime
import re
from decimal import Decimal

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.auth.models import Permission
from django.db import models
from django.urls import reverse
from django.utils import timezone

from hawk.models import (
    AgentRun,
    Allocation,
    BufferConfiguration,
    BusinessDate,
    Currency,
    CurrencyRate,
    CurrencyType,
    DealBooking,
    Entity,
    EntityType,
    GlEntry,
    HedgeBusinessEvent,
    HedgeEffectiveness,
    HedgeInstruction,
    HedgingFramework,
    IdSequence,
    InstructionEventConfig,
    NavType,
    OverlayConfiguration,
    PositionNav,
    ThresholdConfiguration,
    WaterfallLogicConfiguration,
)
from tests.hawk.admin.support import (
    admin_url,
    assert_change_page_loads,
    assert_changelist_lists,
    assert_date_hierarchy_works,
    assert_filters_work,
    assert_history_lists,
    assert_search_finds,
    change_url,
    has_history,
    lists_row,
    model_id,
    registered_models,
    row_of,
)


def make_hawk_rows(user) -> dict[type[models.Model], models.Model]:
    """One row of every HAWK table, linked the way real data is."""
    today = timezone.localdate()
    currency, _ = Currency.objects.update_or_create(
        currency_code="CNY",
        defaults={
            "currency_name": "Chinese Yuan",
            "currency_type": CurrencyType.MISMATCHED,
            "aliases": ["yuan", "renminbi", "RMB"],
        },
    )
    entity = Entity.objects.create(
        entity_id="ENTITY0005",
        entity_name="Shanghai Branch",
        entity_type=EntityType.BRANCH,
        currency=currency,
    )
    instruction = HedgeInstruction.objects.create(
        msg_uid="MSG-2025-0001",
        instruction_type=HedgeInstruction.InstructionType.UTILISATION,
        instruction_date=today,
        exposure_currency=currency.currency_code,
        entity_id=entity.entity_id,
        nav_type=NavType.COI,
        order_id="ORD-2025-011",
        hedge_amount_order=Decimal("150000"),
    )
    allocation = Allocation.objects.create(
        request_id=instruction.instruction_id,
        entity=entity,
        currency=currency,
        nav_type=NavType.COI,
        hedge_amount_allocation=Decimal("150000"),
        allocation_status=Allocation.Status.APPROVED,
        execution_date=today,
        maturity_date=today + datetime.timedelta(days=30),
    )
    event = HedgeBusinessEvent.objects.create(
        instruction_id=instruction.instruction_id,
        entity_id=entity.entity_id,
        business_event_type=HedgeBusinessEvent.EventType.INITIATION,
        nav_type=NavType.COI,
        currency_code=currency.currency_code,
        notional_amount=Decimal("150000"),
        trade_date=today,
        value_date=today + datetime.timedelta(days=2),
    )
    booking_model, _ = InstructionEventConfig.objects.update_or_create(
        nav_type=NavType.COI,
        currency_type=CurrencyType.MISMATCHED,
        defaults={
            "hedging_instrument": "FX Swap",
            "accounting_method": "Net investment hedge",
            "booking_model": "B-COI",
            "deal_count": 10,
            "gl_entry_count": 4,
        },
    )
    BusinessDate.set(today)
    others = [
        HedgingFramework.objects.create(
            entity=entity,
            currency=currency,
            framework_type=HedgingFramework.FrameworkType.FULLY_HEDGE,
        ),
        BufferConfiguration.objects.create(
            entity=entity, currency=currency, nav_type=NavType.COI, buffer_percentage=5
        ),
        OverlayConfiguration.objects.create(
            entity=entity,
            currency=currency,
            nav_type=NavType.COI,
            overlay_amount=Decimal("1000"),
            approval_status=OverlayConfiguration.ApprovalStatus.APPROVED,
        ),
        ThresholdConfiguration.objects.create(
            threshold_type=ThresholdConfiguration.ThresholdType.USD_PB_DEPOSIT,
            currency=currency,
            warning_level=Decimal("1000000"),
            critical_level=Decimal("2000000"),
            maximum_limit=Decimal("3000000"),
        ),
        WaterfallLogicConfiguration.objects.create(
            waterfall_type=WaterfallLogicConfiguration.WaterfallType.OPENING,
            currency=currency,
            entity_type=EntityType.BRANCH,
            nav_type=NavType.RE,
            priority_level=1,
        ),
        CurrencyRate.objects.create(
            currency_pair="USDCNY", rate_value=Decimal("7.1234"), effective_date=today
        ),
        PositionNav.objects.create(
            entity=entity,
            currency=currency,
            as_of_date=today,
            nav_type=NavType.COI,
            current_position=Decimal("1000000"),
        ),
        HedgeEffectiveness.objects.create(
            allocation_id=allocation.allocation_id,
            entity_id=entity.entity_id,
            currency_code=currency.currency_code,
            nav_type=NavType.COI,
            measurement_date=today,
            hedged_item_change=Decimal("-1000"),
            instrument_change=Decimal("950"),
            effectiveness_ratio=Decimal("0.95"),
            effectiveness_status=HedgeEffectiveness.Result.PASS,
        ),
        DealBooking.objects.create(
            event_id=event.event_id,
            deal_sequence=1,
            deal_type=DealBooking.DealType.FX_SWAP,
            sell_currency="CNY",
            sell_amount=Decimal("150000"),
            buy_currency="SGD",
            buy_amount=Decimal("27500"),
            fx_rate=Decimal("0.1833"),
            trade_date=today,
            value_date=today,
            external_reference="MX-000123",
        ),
        GlEntry.objects.create(
            event_id=event.event_id,
            entry_type="HEDGE_INCEPTION",
            posting_date=today,
            debit_account="140100",
            credit_account="240100",
            amount_sgd=Decimal("27500"),
            entity_id=entity.entity_id,
        ),
        AgentRun.objects.create(
            user=user,
            session_id="session-42",
            prompt="Can we hedge 150K CNY today?",
            intent="utilisation",
            status=AgentRun.Status.COMPLETED,
            backend="dify",
        ),
    ]
    found = [currency, entity, instruction, allocation, event, booking_model, *others]
    for row in found:
        row.refresh_from_db()  # as the admin will show them: 5 is stored as 5.0000
    return {type(row): row for row in found} | {BusinessDate: BusinessDate.objects.get()}


@pytest.fixture
def hawk_rows(admin_user):
    return make_hawk_rows(admin_user)


HAWK_MODELS = registered_models("hawk")
HAWK_HISTORY_MODELS = [model for model in HAWK_MODELS if has_history(model)]
HAWK_DATE_HIERARCHY_MODELS = [
    model for model in HAWK_MODELS if admin.site._registry[model].date_hierarchy
]


def test_every_hawk_table_is_in_the_admin():
    tables = {
        model
        for model in apps.get_app_config("hawk").get_models()
        if not hasattr(model, "instance_type")  # the history tables of simple_history
        and model is not IdSequence  # bookkeeping of generated ids, not data
    }
    assert tables == set(HAWK_MODELS)


def test_a_row_added_without_an_id_gets_one_in_the_tables_style(admin_client, hawk_rows):
    currency = hawk_rows[Currency]
    url = admin_url(ThresholdConfiguration, "add")
    form = {
        "threshold_id": "",
        "threshold_type": "CAR_RATIO",
        "currency": currency.pk,
        "warning_level": "1",
        "critical_level": "2",
        "maximum_limit": "3",
        "unit_of_measure": "PCT",
        "active_flag": "Y",
    }

    response = admin_client.post(url, form)

    assert response.status_code == 302, response.content.decode()[:2000]
    created = ThresholdConfiguration.objects.get(threshold_type="CAR_RATIO")
    assert re.fullmatch(r"THR-\d{5}", created.threshold_id)
    assert created.threshold_id != hawk_rows[ThresholdConfiguration].threshold_id


@pytest.mark.postgres
def test_a_nul_in_a_configuration_form_is_refused_naming_the_field(admin_client, hawk_rows):
    row = hawk_rows[ThresholdConfiguration]
    form = {
        "threshold_id": "",
        "threshold_type": "CAR\x00RATIO",
        "currency": hawk_rows[Currency].pk,
        "warning_level": "1",
        "critical_level": "2",
        "maximum_limit": "3",
        "unit_of_measure": "PCT",
        "active_flag": "Y",
    }

    added = admin_client.post(admin_url(ThresholdConfiguration, "add"), form)
    changed = admin_client.post(change_url(row), {**form, "threshold_id": row.threshold_id})

    for response in (added, changed):
        assert response.status_code == 400
        assert "threshold_type" in response.json()["error"]["fields"]
    assert not ThresholdConfiguration.objects.filter(threshold_type__startswith="CAR").exists()


@pytest.mark.parametrize("model", HAWK_MODELS, ids=model_id)
def test_changelist_lists_the_row(admin_client, hawk_rows, model):
    assert_changelist_lists(admin_client, row_of(hawk_rows, model))


@pytest.mark.parametrize("model", HAWK_MODELS, ids=model_id)
def test_change_page_opens(admin_client, hawk_rows, model):
    assert_change_page_loads(admin_client, row_of(hawk_rows, model))


@pytest.mark.parametrize("model", HAWK_MODELS, ids=model_id)
def test_search_finds_the_row_and_only_matching_rows(admin_client, hawk_rows, model):
    assert_search_finds(admin_client, row_of(hawk_rows, model))


@pytest.mark.parametrize("model", HAWK_MODELS, ids=model_id)
def test_every_filter_choice_loads(admin_client, hawk_rows, model):
    assert_filters_work(admin_client, row_of(hawk_rows, model))


@pytest.mark.parametrize("model", HAWK_DATE_HIERARCHY_MODELS, ids=model_id)
def test_date_hierarchy_drills_down_to_the_row(admin_client, hawk_rows, model):
    assert_date_hierarchy_works(admin_client, row_of(hawk_rows, model))


@pytest.mark.parametrize("model", HAWK_HISTORY_MODELS, ids=model_id)
def test_history_page_lists_the_changes(admin_client, hawk_rows, model):
    assert_history_lists(admin_client, row_of(hawk_rows, model))


def test_a_non_staff_user_is_sent_to_the_login_page(client, user):
    client.force_login(user)

    response = client.get(admin_url(Currency, "changelist"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_agent_runs_cannot_be_added(admin_client):
    assert admin_client.get(admin_url(AgentRun, "add")).status_code == 403


def test_agent_runs_are_shown_but_not_saved(admin_client, hawk_rows):
    run = hawk_rows[AgentRun]

    page = admin_client.get(change_url(run))
    posted = admin_client.post(change_url(run), {"prompt": "rewritten", "status": "failed"})

    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()
    assert posted.status_code == 403
    run.refresh_from_db()
    assert run.prompt == "Can we hedge 150K CNY today?"


def test_agent_runs_are_deleted_only_by_superusers(client, admin_client, user, hawk_rows):
    run = hawk_rows[AgentRun]
    user.is_staff = True
    user.save()
    user.user_permissions.set(Permission.objects.filter(content_type__model="agentrun"))
    client.force_login(user)

    assert client.get(admin_url(AgentRun, "delete", run.pk)).status_code == 403
    assert admin_client.get(admin_url(AgentRun, "delete", run.pk)).status_code == 200


def test_the_business_date_can_be_added_only_once(admin_client):
    add_url = admin_url(BusinessDate, "add")

    first = admin_client.post(add_url, {"business_date": "2026-11-20"})
    second = admin_client.get(add_url)

    assert first.status_code == 302
    assert BusinessDate.current() == datetime.date(2026, 11, 20)
    assert second.status_code == 403


def test_the_business_date_is_edited_in_place(admin_client, hawk_rows):
    row = hawk_rows[BusinessDate]

    response = admin_client.post(change_url(row), {"business_date": "2026-12-31"})

    assert response.status_code == 302
    assert BusinessDate.current() == datetime.date(2026, 12, 31)


def test_deleting_the_business_date_clears_it_back_to_today(admin_client, hawk_rows):
    row = hawk_rows[BusinessDate]

    response = admin_client.post(admin_url(BusinessDate, "delete", row.pk), {"post": "yes"})

    assert response.status_code == 302
    assert BusinessDate.stored() is None
    assert BusinessDate.current() == timezone.now().date()


def test_currency_aliases_read_as_a_list_of_words(admin_client, hawk_rows):
    response = admin_client.get(admin_url(Currency, "changelist"))

    assert "yuan, renminbi, RMB" in response.content.decode()


def test_currencies_are_found_by_alias(admin_client, hawk_rows):
    response = admin_client.get(admin_url(Currency, "changelist"), {"q": "renminbi"})

    assert lists_row(response, hawk_rows[Currency])


def test_amounts_are_right_aligned_and_exact(admin_client, hawk_rows):
    response = admin_client.get(admin_url(HedgeInstruction, "changelist"))

    assert '<span style="display:block;text-align:right">150,000.0000</span>' in (
        response.content.decode()
    )


def test_instructions_are_found_by_order_id_and_msg_uid(admin_client, hawk_rows):
    changelist = admin_url(HedgeInstruction, "changelist")
    instruction = hawk_rows[HedgeInstruction]

    for term in ("ORD-2025-011", "MSG-2025-0001"):
        assert lists_row(admin_client.get(changelist, {"q": term}), instruction)
