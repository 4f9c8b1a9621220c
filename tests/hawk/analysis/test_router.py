"""The analysis router (HAWK_ANALYSIS_ROUTES) and its setting."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from hawk.analysis.router import route_for
from hawk.settings import DIFY_CATEGORIES, env_chain, env_routes


def test_look_ups_go_to_the_builtin_analyst_by_default(settings):
    assert route_for(intent="inquiry", category=None).backend == "builtin"
    assert route_for(intent="utilisation", category="monitoring").backend == "builtin"


def test_the_category_wins_over_the_intent(settings):
    settings.HAWK_ANALYSIS_ROUTES = {"inquiry": "builtin", "risk_analysis": "dify:general"}
    route = route_for(intent="inquiry", category="risk_analysis")
    assert (route.key, route.backend, route.dify_app) == ("risk_analysis", "dify", "general")


def test_an_unrouted_run_goes_to_the_app_of_its_category(settings):
    settings.HAWK_ANALYSIS_ROUTES = {}
    route = route_for(intent="utilisation", category="risk_analysis")
    assert (route.key, route.backend, route.dify_app) == ("default", "dify", "risk_analysis")


def test_the_setting_reads_backends_and_app_keys(monkeypatch):
    monkeypatch.setenv("HAWK_ANALYSIS_ROUTES", "Inquiry=builtin, performance=dify:general")
    routes = env_routes("HAWK_ANALYSIS_ROUTES", "", keys=DIFY_CATEGORIES)
    assert routes == {"inquiry": "builtin", "performance": "dify:general"}


@pytest.mark.parametrize("value", ["inquiry=gpt", "nothing=builtin", "inquiry=dify:nothing"])
def test_the_setting_rejects_unknown_intents_and_backends(monkeypatch, value):
    monkeypatch.setenv("HAWK_ANALYSIS_ROUTES", value)
    with pytest.raises(ImproperlyConfigured, match="HAWK_ANALYSIS_ROUTES"):
        env_routes("HAWK_ANALYSIS_ROUTES", "", keys=DIFY_CATEGORIES)


def test_a_route_may_send_a_category_to_the_openai_endpoint(monkeypatch):
    monkeypatch.setenv("HAWK_ANALYSIS_ROUTES", "performance=openai")
    assert env_routes("HAWK_ANALYSIS_ROUTES", "", keys=DIFY_CATEGORIES) == {"performance": "openai"}


def test_the_chain_always_ends_with_the_builtin_analyst(monkeypatch):
    monkeypatch.setenv("HAWK_ANALYSIS_CHAIN", "OpenAI, dify")
    assert env_chain("HAWK_ANALYSIS_CHAIN", "dify,openai,builtin") == ["openai", "dify", "builtin"]


@pytest.mark.parametrize("value", ["dify,gpt", "dify,dify"])
def test_the_chain_rejects_unknown_and_repeated_backends(monkeypatch, value):
    monkeypatch.setenv("HAWK_ANALYSIS_CHAIN", value)
    with pytest.raises(ImproperlyConfigured, match="HAWK_ANALYSIS_CHAIN"):
        env_chain("HAWK_ANALYSIS_CHAIN", "dify,openai,builtin")
