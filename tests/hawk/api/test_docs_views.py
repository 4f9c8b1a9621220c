"""GET /docs: the Swagger UI for a signed-in person; without a session, a page (or, for a
client asking for JSON, an error) saying to log in, with a link to the console's login (an
analyst need not be staff) that comes back to the docs."""

import pytest

pytestmark = pytest.mark.django_db

LOGIN_LINK = "/accounts/login/?next=/docs"


def test_without_a_session_the_docs_page_says_to_log_in_and_links_to_the_login(client):
    response = client.get("/docs")

    page = response.content.decode()
    assert response.status_code == 401
    assert response["Content-Type"].startswith("text/html")
    assert "Log in to read the API docs" in page
    assert f'<a href="{LOGIN_LINK}">' in page
    assert "swagger-ui" not in page


def test_a_client_asking_for_json_gets_the_error_with_the_login_link(client):
    response = client.get("/docs", HTTP_ACCEPT="application/json")

    error = response.json()["error"]
    assert response.status_code == 401
    assert error["code"] == "not_authenticated"
    assert "log in" in error["message"].lower()
    assert error["login_url"] == LOGIN_LINK


def test_the_login_link_brings_a_person_back_to_the_docs(client, admin_user):
    login = client.post(
        LOGIN_LINK, {"username": admin_user.username, "password": "password"}, follow=False
    )
    assert (login.status_code, login["Location"]) == (302, "/docs")

    docs = client.get("/docs")

    assert docs.status_code == 200
    assert "swagger-ui" in docs.content.decode()
