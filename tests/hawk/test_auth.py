"""Everything but the health checks needs a logged-in user; DRF tokens and sessions both work."""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from rest_framework.authtoken.models import Token

pytestmark = pytest.mark.django_db

# The console's login and logout are open: they are how a session begins and ends.
OPEN_PATHS = {
    "/health",
    "/health/live",
    "/health/ready",
    "/docs",
    "/metrics",
    "/accounts/login/",
    "/accounts/logout/",
}
# Pages for people, not API: without a login they send the browser to the console's login
# form (the admin's admits staff only).
PAGES = {"/", "/console/"}


def api_paths() -> list[str]:
    """Every concrete URL of the API (no admin, no static), from the real URL configuration."""
    found: list[str] = []

    def walk(patterns, prefix=""):
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, route)
            elif isinstance(pattern, URLPattern) and "<" not in route and "(?P" not in route:
                found.append("/" + route.lstrip("^").rstrip("$"))

    walk(get_resolver().url_patterns)
    return sorted(p for p in found if not p.startswith(("/admin", "/static")))


def test_it_lists_the_api_paths_it_checks():
    paths = api_paths()
    assert "/health" in paths
    assert "/api/schema/" in paths


@pytest.mark.parametrize("path", [p for p in api_paths() if p not in OPEN_PATHS | PAGES])
def test_it_answers_401_without_credentials(client, path):
    response = client.get(path)
    assert response.status_code == 401, path
    assert response.json()["error"]["code"] == "not_authenticated"


@pytest.mark.parametrize("path", sorted(PAGES))
def test_the_pages_send_a_browser_without_a_login_to_the_login_form(client, path):
    response = client.get(path, follow=True)
    assert response.redirect_chain
    assert response.redirect_chain[-1][0].startswith("/accounts/login/")


def test_health_is_open(client):
    assert client.get("/health").status_code == 200


def test_a_drf_token_authenticates(client, django_user_model):
    user = django_user_model.objects.create_user("ops1", password="irrelevant-9")
    token = Token.objects.create(user=user)
    response = client.get("/api/schema/", HTTP_AUTHORIZATION=f"Token {token.key}")
    assert response.status_code == 200


def test_a_wrong_token_is_refused_in_the_error_shape(client):
    response = client.get("/api/schema/", HTTP_AUTHORIZATION="Token not-a-real-token")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "not_authenticated"


def test_a_session_login_authenticates(client, django_user_model):
    django_user_model.objects.create_user("ops2", password="irrelevant-9")
    assert client.login(username="ops2", password="irrelevant-9")
    assert client.get("/api/schema/").status_code == 200


def test_drf_create_token_gives_a_working_token(client, django_user_model):
    from django.core.management import call_command

    django_user_model.objects.create_user("ops3", password="irrelevant-9")
    call_command("drf_create_token", "ops3")
    token = Token.objects.get(user__username="ops3")
    response = client.get("/api/schema/", HTTP_AUTHORIZATION=f"Token {token.key}")
    assert response.status_code == 200
