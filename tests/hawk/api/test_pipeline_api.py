"""POST /hawk-agent/plan and /hawk-agent/context through HTTP with a real token, on the demo
data: parameters kept, strict validation, and facts that match hand-computed numbers."""

import pytest
from django.contrib.auth.models import Group
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient


def post(client, path: str, body: dict):
    return client.post(path, body, format="json")


@pytest.fixture
def viewer_client(db, django_user_model):
    viewer = django_user_model.objects.create_user("viewer1", password="irrelevant-9")
    viewer.groups.add(Group.objects.get(name="viewer"))
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=viewer).key}")
    return client


# --- plan ------------------------------------------------------------------------------------


def test_the_plan_keeps_the_parameters_of_hedge_150k_cny(api_client):
    response = post(api_client, "/hawk-agent/plan", {"user_prompt": "hedge 150K CNY"})
    assert response.status_code == 200
    body = response.json()
    assert body["intent"] == "utilisation"
    assert body["parameters"]["currency"] == "CNY"
    assert body["parameters"]["amount"] == "150000.00"
    assert [s["name"] for s in body["sources"]][:2] == ["currencies", "entities"]
    assert body["data_scope"] == "targeted"


def test_a_prompt_without_a_currency_gets_none_not_usd(api_client):
    body = post(api_client, "/hawk-agent/plan", {"user_prompt": "Can I hedge 5M today?"}).json()
    assert body["parameters"]["currency"] is None
    assert body["parameters"]["amount"] == "5000000.00"


def test_explicit_fields_override_the_text_and_the_category_overrides_the_intent(api_client):
    body = post(api_client, "/hawk-agent/plan", {
        "user_prompt": "hedge 150K CNY", "currency": "hkd", "amount": "2000000",
        "template_category": "risk_analysis",
    }).json()  # fmt: skip
    assert body["parameters"]["currency"] == "HKD"
    assert body["parameters"]["amount"] == "2000000.00"
    assert body["intent"] == "risk_analysis"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"user_prompt": "hedge 1M", "currency": "XYZ"}, "currency"),
        ({"user_prompt": "hedge 1M", "amount": "-5"}, "amount"),
        ({"user_prompt": "hedge 1M", "amount": "1e30"}, "amount"),
        ({"user_prompt": "x" * 4001}, "user_prompt"),
        ({"user_prompt": ""}, "user_prompt"),
        ({}, "user_prompt"),
        ({"user_prompt": "hedge 1M", "nav_type": "XX"}, "nav_type"),
        ({"user_prompt": "hedge 1M", "order_id": "DROP TABLE"}, "order_id"),
        ({"user_prompt": "hedge 1M", "entity_id": "ENTITY9999"}, "entity_id"),
        ({"user_prompt": "hedge 1M", "template_id": 999999}, "template_id"),
        ({"user_prompt": "hedge 1M", "template_variables": {"a": "b"}}, "template_variables"),
        ({"user_prompt": "hedge 1M", "msg_uid": 123}, "msg_uid"),
        ({"user_prompt": "hedge 1M", "msg_uid": "M" * 101}, "msg_uid"),
        ({"user_prompt": "hedge 1M", "instruction_id": ["INS-1"]}, "instruction_id"),
        ({"user_prompt": "hedge 1M", "instruction_id": "I" * 51}, "instruction_id"),
    ],
)
def test_bad_input_is_a_400_naming_the_field(api_client, body, field):
    response = post(api_client, "/hawk-agent/plan", body)
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid_field"
    assert field in error["fields"], error


def test_a_body_that_is_not_json_is_invalid_json(api_client):
    response = api_client.post("/hawk-agent/plan", "{not json", content_type="application/json")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_json"


def test_a_viewer_may_not_run_prompts(viewer_client):
    response = post(viewer_client, "/hawk-agent/plan", {"user_prompt": "hedge 150K CNY"})
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "forbidden"


def test_a_template_renders_with_its_variables_and_adds_its_sources(api_client):
    from templates_app.models import PromptTemplate
    from tests.hawk.factories import CurrencyFactory

    CurrencyFactory(currency_code="JPY")  # a currency variable must be a configured currency
    template = PromptTemplate.objects.create(
        name="Deal check", family_type="instructions_processing", template_category="inquiry",
        prompt_text="Show deals for {{currency}} instructions",
        input_fields=[{"name": "currency", "label": "Currency", "type": "currency",
                       "required": True}],
        data_requirements={"sources": ["deals"], "scope": "targeted"},
    )  # fmt: skip
    body = post(api_client, "/hawk-agent/plan", {
        "user_prompt": "ignored when variables are given", "template_id": template.pk,
        "template_variables": {"currency": "JPY"},
    }).json()  # fmt: skip
    assert body["parameters"]["currency"] == "JPY"
    assert body["intent"] == "inquiry"
    assert "deals" in [s["name"] for s in body["sources"]]


def test_a_template_with_a_missing_variable_is_a_400(api_client):
    from templates_app.models import PromptTemplate

    template = PromptTemplate.objects.create(
        name="Needs currency", family_type="instructions_processing",
        template_category="utilisation", prompt_text="Can I hedge {{amount}} {{currency}}?",
        input_fields=[{"name": "amount", "required": True}, {"name": "currency", "required": True}],
    )  # fmt: skip
    response = post(api_client, "/hawk-agent/plan", {
        "user_prompt": "x", "template_id": template.pk, "template_variables": {"amount": "1M"},
    })  # fmt: skip
    assert response.status_code == 400
    assert "template_variables.currency" in response.json()["error"]["fields"]


# --- context on the demo data ----------------------------------------------------------------


def test_the_context_of_a_capacity_check_on_the_demo_data(api_client, demo_data):
    response = post(api_client, "/hawk-agent/context",
                    {"user_prompt": "Check if I can hedge 150K CNY today"})  # fmt: skip
    assert response.status_code == 200
    body = response.json()
    check = body["facts"]["check"]
    assert check["decision"] == "PASS"
    assert check["allocated"] == "150000.00"
    assert check["not_allocated"] == "0.00"
    assert body["records"] > 0
    assert set(body["by_source"]) == {s["name"] for s in body["sources"]}
    assert body["cache"] in {"miss", "partial"}
    assert body["context"].startswith("# HAWK context (business date 2026-11-20)")
    assert body["context_chars"] == len(body["context"])
    assert body["truncated"] is False


def test_a_repeated_context_request_is_a_cache_hit(api_client, demo_data):
    request = {"user_prompt": "Check if I can hedge 150K CNY today"}
    post(api_client, "/hawk-agent/context", request)
    assert post(api_client, "/hawk-agent/context", request).json()["cache"] == "hit"


def test_use_cache_false_bypasses_the_cache(api_client, demo_data):
    request = {"user_prompt": "Check if I can hedge 150K CNY today"}
    post(api_client, "/hawk-agent/context", request)
    body = post(api_client, "/hawk-agent/context", {**request, "use_cache": False}).json()
    assert body["cache"] == "bypass"


def test_a_partial_check_matches_the_hand_computed_numbers(api_client, demo_data):
    """ENTITY0036 (TWD, TMU), latest positions of 2026-11-20, no framework row (Fully Hedge):
    COI: sfx 1,129,400,000; buffer rule 14 (TWD+COI, 2 columns) 7% = 79,058,000;
         hedgeable 1,050,342,000; hedged (Executed) 1,092,000,000; available 0.
    RE:  sfx 222,240,000; buffer rule 11 (RE, 1 column) 4% = 8,889,600; hedgeable 213,350,400;
         hedged 169,500,000 (the Calculated 43,850,400 does not count); available 43,850,400;
         utilisation 169,500,000 / 213,350,400 = 0.7945.
    71,000,000 requested > 43,850,400 available: PARTIAL, 27,149,600 not allocated."""
    body = post(api_client, "/hawk-agent/context", {
        "user_prompt": "Can I hedge 71M TWD for ENTITY0036?",
    }).json()  # fmt: skip
    rows = {row["nav_type"]: row for row in body["facts"]["capacity"]["rows"]}
    assert rows["COI"]["buffer_pct"] == "7.0000"
    assert rows["COI"]["buffer"] == "79058000.00"
    assert rows["COI"]["hedgeable"] == "1050342000.00"
    assert rows["COI"]["available"] == "0.00"
    assert rows["COI"]["state"] == "Fully_Hedged"
    assert rows["RE"]["buffer"] == "8889600.00"
    assert rows["RE"]["hedged"] == "169500000.00"
    assert rows["RE"]["available"] == "43850400.00"
    assert rows["RE"]["utilisation"] == "0.7945"
    check = body["facts"]["check"]
    assert check["decision"] == "PARTIAL"
    assert check["allocations"] == [
        {"entity_id": "ENTITY0036", "nav_type": "RE", "amount": "43850400.00"}
    ]
    assert check["not_allocated"] == "27149600.00"


# Every utilisation instruction of the demo data, whose outcome the demo generator computed on
# its own from the same rules: the facts must agree with each.
DEMO_UTILISATION_CHECKS = [
    ("CNY", "50000", None, "FAIL", "0.00", "WITHIN"),
    ("IDR", "250000000000", None, "PASS", "250000000000.00", "NOT_APPLICABLE"),
    ("PHP", "800000000", None, "PASS", "800000000.00", "WITHIN"),
    ("JPY", "5000000000", None, "PASS", "5000000000.00", "WITHIN"),
    ("HKD", "500000000", None, "PASS", "500000000.00", "WITHIN"),
    ("INR", "2000000000", None, "FAIL", "0.00", "BREACH"),
    ("TWD", "71000000", "ENTITY0036", "PARTIAL", "43850400.00", "WARN"),
    ("CNY", "150000000", None, "PASS", "150000000.00", "WITHIN"),
    ("KRW", "30000000000", None, "PASS", "30000000000.00", "CRITICAL"),
    ("USD", "25000000", None, "PASS", "25000000.00", "NOT_APPLICABLE"),
    ("AUD", "75000000", None, "PASS", "75000000.00", "WARN"),
]


def test_every_demo_utilisation_check_matches_its_independent_computation(api_client, demo_data):
    for currency, amount, entity, decision, allocated, pb_status in DEMO_UTILISATION_CHECKS:
        request = {"user_prompt": "Check if I can hedge", "currency": currency,
                   "amount": amount, "template_category": "utilisation"}  # fmt: skip
        if entity:
            request["entity_id"] = entity
        facts = post(api_client, "/hawk-agent/context", request).json()["facts"]
        label = f"{currency} {amount}"
        assert facts["check"]["decision"] == decision, label
        assert facts["check"]["allocated"] == allocated, label
        assert facts["pb_deposit"]["status"] == pb_status, label


def test_an_unknown_but_valid_currency_is_a_warning_in_the_facts(api_client, demo_data):
    body = post(api_client, "/hawk-agent/context",
                {"user_prompt": "Rollover existing EUR hedge"}).json()  # fmt: skip
    assert body["parameters"]["currency"] == "EUR"
    assert [w["code"] for w in body["warnings"]] == ["UNKNOWN_CURRENCY"]


def test_an_amendment_finds_its_order_and_checks_the_increase(api_client, demo_data):
    body = post(api_client, "/hawk-agent/context",
                {"user_prompt": "Modify order ORD-123 notional to 120M"}).json()  # fmt: skip
    assert body["parameters"]["order_id"] == "ORD-123"
    amendment = body["facts"]["amendment"]
    assert amendment["new_notional"] == "120000000.00"
    assert "check" in body["facts"]


def test_the_context_respects_a_small_budget_and_says_what_it_left_out(demo_data, settings):
    from hawk.pipeline.prepare import PromptInput, prepare

    settings.HAWK_CONTEXT_MAX_CHARS = 3000
    prepared = prepare(PromptInput("Status of all CNY instructions"))
    assert prepared.context.chars <= 3000
    assert prepared.context.truncated
    assert "## Left out (character budget 3000)" in prepared.context.text


# --- templates that cannot be run --------------------------------------------------------------


def saved_template(**fields):
    """A template written straight to the table, as an old row or a script could have."""
    from templates_app.models import PromptTemplate

    values = {"name": "Broken", "family_type": "instructions_processing",
              "template_category": "inquiry", "prompt_text": "Show CNY instructions"}  # fmt: skip
    return PromptTemplate.objects.create(**(values | fields))


@pytest.mark.parametrize(
    "requirements",
    [
        {"sources": ["positions", "murex"]},
        {"sources": "positions"},
        {"sources": [{"name": "positions"}]},
        {"sources": ["positions"], "scope": "everything"},
        ["positions"],
    ],
    ids=["unknown-source", "sources-not-a-list", "source-not-a-name", "bad-scope", "not-an-object"],
)
@pytest.mark.parametrize("path", ["/hawk-agent/plan", "/hawk-agent/process-prompt"])
def test_a_template_with_bad_data_requirements_is_a_400_naming_template_id(
    api_client, requirements, path
):
    template = saved_template(data_requirements=requirements)
    body = {"user_prompt": "Show CNY instructions", "template_id": template.pk, "stream": False}
    response = post(api_client, path, body)
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid_field"
    assert list(error["fields"]) == ["template_id"]
    assert "data_requirements" in error["message"]


@pytest.mark.parametrize("path", ["/hawk-agent/plan", "/hawk-agent/process-prompt"])
def test_an_archived_template_cannot_be_run(api_client, path):
    template = saved_template(status="archived")
    body = {"user_prompt": "Show CNY instructions", "template_id": template.pk, "stream": False}
    response = post(api_client, path, body)
    assert response.status_code == 409
    error = response.json()["error"]
    assert error["code"] == "conflict"
    assert list(error["fields"]) == ["template_id"]
    assert "archived" in error["message"]


def test_a_number_too_large_for_any_amount_in_the_prompt_is_no_server_error(api_client):
    # Found by fuzzing: 29 digits overflowed Decimal's precision when the plan was made (500).
    response = post(
        api_client, "/hawk-agent/plan", {"user_prompt": "hedge 99999999999999999999999999999 CNY"}
    )
    assert response.status_code == 200
    assert response.json()["parameters"]["amount"] is None


# --- issue 9: understood or asked, the date asked for, units never mixed ----------------------


def test_a_non_string_user_prompt_is_a_400_naming_user_prompt(api_client):
    response = post(api_client, "/hawk-agent/plan", {"user_prompt": 123})
    assert response.status_code == 400
    assert "user_prompt" in response.json()["error"]["fields"]


def test_an_unclear_prompt_gets_a_clarification_in_the_plan(api_client):
    body = post(api_client, "/hawk-agent/plan", {"user_prompt": "CNY 150k"}).json()
    assert body["confidence"] < 0.5
    clarification = body["clarification"]
    assert clarification["question"] == "What would you like to do with 150,000.00 CNY?"
    assert all({"label", "user_prompt"} <= set(s) for s in clarification["suggestions"])


def test_a_clear_prompt_has_no_clarification(api_client):
    body = post(api_client, "/hawk-agent/plan", {"user_prompt": "chek if i can hegde 150k cny"})
    assert body.json()["clarification"] is None
    assert body.json()["intent"] == "utilisation"


def test_a_dated_request_is_answered_for_its_date(api_client, demo_data):
    body = post(api_client, "/hawk-agent/context",
                {"user_prompt": "CNY capacity at end of last month"}).json()  # fmt: skip
    assert body["as_of"] == "2026-10-31"
    assert body["facts"]["as_of"] == "2026-10-31"
    positions = next(s for s in body["sources"] if s["name"] == "positions")
    assert positions["filters"]["as_of_date__lte"] == "2026-10-31"
    assert "AS_OF_NOT_AVAILABLE" not in [w["code"] for w in body["warnings"]]
    today = post(api_client, "/hawk-agent/context", {"user_prompt": "CNY capacity"}).json()
    assert body["facts"]["capacity"]["total_sfx"] != today["facts"]["capacity"]["total_sfx"]


def test_a_date_without_positions_uses_the_nearest_earlier_ones_and_says_so(api_client, demo_data):
    body = post(api_client, "/hawk-agent/context",
                {"user_prompt": "hedge 150K CNY as of 2026-10-01"}).json()  # fmt: skip
    assert body["facts"]["as_of"] == "2026-10-01"
    assert body["facts"]["positions_as_of"] == "2026-09-30"
    (warning,) = [w for w in body["warnings"] if w["code"] == "AS_OF_NOT_AVAILABLE"]
    assert "2026-09-30" in warning["message"]


@pytest.mark.parametrize("currency", ["HKD", "CNY"])
def test_a_position_question_has_no_false_no_rate_warning(api_client, demo_data, currency):
    body = post(
        api_client,
        "/hawk-agent/context",
        {"user_prompt": f"What is the current hedge position for {currency}?"},
    ).json()
    assert body["intent"] == "utilisation"
    assert body["facts"]["capacity"]["rows"]
    assert "NO_RATE" not in [w["code"] for w in body["warnings"]]
    pb = (
        [t for t in body["facts"]["thresholds"] if t["threshold_type"] == "USD_PB_DEPOSIT"]
        if ("thresholds" in body["facts"])
        else []
    )
    assert all(t["status"] != "UNKNOWN" for t in pb)


def test_the_dashboard_never_sums_notionals_of_different_currencies(api_client, demo_data):
    body = post(api_client, "/hawk-agent/context",
                {"user_prompt": "Give me the hedge dashboard for today"}).json()  # fmt: skip
    for group in body["facts"]["inquiry"]["by_status"]:
        currencies = [part["currency"] for part in group["notional_by_currency"]]
        assert len(currencies) == len(set(currencies))
        assert (group["notional"] is None) == (len(currencies) > 1)
    pb = [t for t in body["facts"]["thresholds"] if t["threshold_type"] == "USD_PB_DEPOSIT"]
    assert {t["currency"]: t["status"] for t in pb} == {
        "AUD": "WITHIN",
        "CNY": "WITHIN",
        "HKD": "WITHIN",
        "INR": "BREACH",
        "JPY": "WITHIN",
        "KRW": "CRITICAL",
        "PHP": "WITHIN",
        "TWD": "WARN",
    }  # fmt: skip  -- hawk/demo/thresholds.py PB_TARGETS (NEAR_WARN is WITHIN today)


def test_terminating_an_order_says_which_legs_it_closes_and_why(api_client, demo_data):
    from hawk.analysis.builtin.report import report_lines

    body = post(api_client, "/hawk-agent/context",
                {"user_prompt": "terminate ORD-2026-009"}).json()  # fmt: skip
    termination = body["facts"]["termination"]
    assert termination["order_id"] == "ORD-2026-009"
    assert termination["order_instructions"] == ["INS-00011"]
    assert len(termination["closings"]) == 8  # the eight Executed legs of INS-00011
    text = "\n".join(report_lines(body["facts"], body["warnings"], "termination"))
    assert "Order ORD-2026-009 (instruction INS-00011) has 8 active legs" in text
    assert "ALLOC-00033 (ENTITY0009 COI, 2,186,000,000.00)" in text
    assert "no amount was given, so every active leg of the order is closed in full" in text


def test_an_unknown_code_is_an_unknown_currency_not_a_missing_one(api_client, demo_data):
    body = post(api_client, "/hawk-agent/context", {"user_prompt": "Can I hedge 5M XYZ?"}).json()
    codes = [w["code"] for w in body["warnings"]]
    assert "UNKNOWN_CURRENCY" in codes and "MISSING_CURRENCY" not in codes
