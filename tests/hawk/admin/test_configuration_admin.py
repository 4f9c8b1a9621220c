"""The configuration tables' admin as people use it: plain messages naming the values, amounts
with separators, a history of real changes with their reason, ids and audit stamps read-only,
labels in words."""

import datetime
from decimal import Decimal

import pytest
from django.forms import MultiWidget

from hawk.models import Currency, CurrencyType, ThresholdConfiguration
from tests.hawk.admin.support import admin_url, change_url


@pytest.fixture
def currency(db):
    return Currency.objects.create(
        currency_code="CNY",
        currency_name="Chinese Yuan Renminbi",
        currency_type=CurrencyType.MISMATCHED_WITH_PROXY,
        minimum_deal_size=Decimal("100000"),
        maximum_deal_size=Decimal("4000000000"),
    )


@pytest.fixture
def threshold(currency):
    return ThresholdConfiguration.objects.create(
        threshold_type=ThresholdConfiguration.ThresholdType.USD_PB_DEPOSIT,
        currency=currency,
        warning_level=Decimal("1950000000"),
        critical_level=Decimal("2270000000"),
        maximum_limit=Decimal("2600000000"),
        notification_emails=None,
        created_by="loader",
    )


def browser_post(client, obj, **changes: str):
    """The change form posted back as a browser would (each input's shown value), with
    `changes`."""
    form = client.get(change_url(obj)).context["adminform"].form
    data: dict[str, str] = {}
    for name, field in form.fields.items():
        value, widget = form[name].value(), field.widget
        if isinstance(widget, MultiWidget):
            for index, part in enumerate(widget.decompress(value)):
                data[f"{name}_{index}"] = "" if part is None else str(part)
            continue
        shown = widget.format_value(value)
        if isinstance(shown, list):
            shown = shown[0] if shown else ""
        data[name] = "" if shown is None else str(shown)
    return client.post(change_url(obj), {**data, **changes, "_save": "Save"})


def test_inverted_threshold_levels_are_refused_naming_the_values(admin_client, threshold):
    response = browser_post(admin_client, threshold, warning_level="2,300,000,000")

    page = response.content.decode()
    assert response.status_code == 200
    assert "Warning level 2,300,000,000 must be at most critical level 2,270,000,000." in page
    assert "threshold_levels_ascending" not in page and "violated" not in page


def test_nonsense_deal_sizes_and_dates_are_refused_in_words(admin_client, currency):
    response = browser_post(
        admin_client, currency, minimum_deal_size="5,000", maximum_deal_size="1,000",
        settlement_days="-1", effective_date="2026-06-01", expiry_date="2026-01-01",
    )  # fmt: skip

    page = response.content.decode()
    assert "Minimum deal size 5,000 must be at most maximum deal size 1,000." in page
    assert "Settlement days -1 must not be negative." in page
    assert "Expiry date 2026-01-01 must be on or after effective date 2026-06-01." in page
    assert "violated" not in page


def test_amounts_read_with_thousands_separators_on_the_change_page(admin_client, threshold):
    page = admin_client.get(change_url(threshold)).content.decode()

    assert 'value="1,950,000,000"' in page
    assert "1950000000" not in page


def test_an_amount_typed_with_separators_is_saved(admin_client, threshold):
    response = browser_post(admin_client, threshold, warning_level="1,900,000,000.50")

    threshold.refresh_from_db()
    assert response.status_code == 302
    assert threshold.warning_level == Decimal("1900000000.5")


def test_the_history_lists_only_what_changed_and_the_reason(admin_client, threshold):
    browser_post(admin_client, threshold, warning_level="1,900,000,000", change_reason="Q4 review")

    page = admin_client.get(admin_url(ThresholdConfiguration, "history", threshold.pk))
    html = page.content.decode()
    newest = html.split("<tbody>")[1].split("</tr>")[0]
    assert "Warning level:</strong>" in newest and "1,900,000,000" in newest
    assert "Notification emails" not in html and "Critical level" not in newest
    assert "Q4 review" in newest
    assert threshold.history.latest().history_change_reason == "Q4 review"


def test_a_change_with_no_user_or_reason_shows_a_dash_not_none(admin_client, threshold):
    page = admin_client.get(admin_url(ThresholdConfiguration, "history", threshold.pk))

    created = page.content.decode().split("<tbody>")[1].split("</tr>")[0]
    assert "None" not in created and "&mdash;" in created


def test_the_form_offers_a_change_reason(admin_client, threshold):
    page = admin_client.get(change_url(threshold)).content.decode()

    assert 'name="change_reason"' in page and "Change reason" in page


def test_ids_and_audit_stamps_are_read_only_and_set_by_the_server(admin_client, threshold):
    page = admin_client.get(change_url(threshold)).content.decode()
    assert page.index("Threshold id:") < page.index("Threshold type:") < page.index("Created by:")
    for name in ("threshold_id", "created_by", "created_date", "modified_by", "modified_date"):
        assert f'name="{name}' not in page, name

    key = threshold.pk
    browser_post(admin_client, threshold, warning_level="1,900,000,000", created_by="mallory",
                 modified_by="mallory", threshold_id="THR-99999")  # fmt: skip

    threshold.refresh_from_db()
    assert list(ThresholdConfiguration.objects.values_list("pk", flat=True)) == [key]
    assert (threshold.created_by, threshold.modified_by) == ("loader", "admin")
    assert threshold.modified_date is not None
    assert abs(threshold.modified_date - datetime.datetime.now(datetime.UTC)).total_seconds() < 60


def test_labels_read_as_people_write_them(admin_client, threshold):
    listing = admin_client.get(admin_url(ThresholdConfiguration, "changelist")).content.decode()
    page = admin_client.get(change_url(threshold)).content.decode()
    currencies = admin_client.get(change_url(threshold.currency)).content.decode()

    assert "USD PB deposit" in listing and "Usd Pb Deposit" not in listing
    assert "USD PB deposit CNY" in page and "USD_PB_DEPOSIT CNY" not in page
    assert "Mismatched with proxy" in currencies and "Mismatched With Proxy" not in currencies
