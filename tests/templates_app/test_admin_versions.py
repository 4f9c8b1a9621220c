"""The template admin's versions: a diff a person reads (field by field, sources as a set, input
fields as rows, words not letters) and restoring an older version as a new one, with a reason."""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from templates_app.models import PromptTemplate
from templates_app.services import template_create, template_update
from tests.hawk.admin.support import admin_url, change_url
from tests.templates_app.helpers import role_client

CURRENCY = {"name": "currency", "label": "Currency", "type": "currency", "required": True}
DAY = {"name": "day", "label": "Day", "type": "date", "required": False}


@pytest.fixture
def edited(db):
    """A template edited once: a field relabelled and one added, a source added and the
    sources listed in another order, a clause added to the prompt."""
    template = template_create(
        values={
            "name": "Capacity check",
            "family_type": "instructions_processing",
            "template_category": "utilisation",
            "prompt_text": "Check capacity for {{currency}} today",
            "input_fields": [CURRENCY],
            "data_requirements": {"sources": ["positions", "allocations"], "scope": "targeted"},
        }
    )
    template_update(
        template=template,
        values={
            "prompt_text": "Check capacity for {{currency}} today on {{day}}",
            "input_fields": [{**CURRENCY, "label": "Exposure currency"}, DAY],
            "data_requirements": {
                "sources": ["allocations", "positions", "overlays"],
                "scope": "targeted",
            },
        },
        change_note="a day to check on",
    )
    return template


def staff(client: Client, role: str) -> Client:
    role_client(get_user_model(), role)  # makes the user in the role group
    user = get_user_model().objects.get(username=f"{role}-user")
    user.is_staff = True
    user.save()
    client.force_login(user)
    return client


def test_the_diff_compares_sources_as_a_set_and_input_fields_as_rows(admin_client, edited):
    page = admin_client.get(admin_url(PromptTemplate, "diff", edited.pk), {"a": 1, "b": 2})
    html = page.content.decode()

    assert page.status_code == 200
    assert 'class="diff_' not in html  # no difflib table
    sources = html.split('id="diff-sources"')[1].split("</table>")[0]
    assert '<td>overlays</td><td class="hawk-added">added</td>' in sources
    assert "positions" not in sources and "allocations" not in sources  # only reordered
    fields = html.split('id="diff-input-fields"')[1].split("</table>")[0]
    assert '<td>day</td><td class="hawk-added">added</td>' in fields
    assert '<td>currency</td><td class="hawk-changed">changed</td>' in fields
    assert "label: Currency → Exposure currency" in fields


def test_the_prompt_diff_marks_whole_words(admin_client, edited):
    page = admin_client.get(admin_url(PromptTemplate, "diff", edited.pk), {"a": 1, "b": 2})

    prompt = page.content.decode().split('id="diff-prompt-text"')[1].split("</div>")[0]
    assert "Check capacity for {{currency}} today<ins> on {{day}}</ins>" in prompt
    assert "<del>" not in prompt


def test_an_unchanged_field_says_so(admin_client, edited):
    page = admin_client.get(admin_url(PromptTemplate, "diff", edited.pk), {"a": 1, "b": 2})

    assert "Analysis instructions: unchanged" in page.content.decode()


def test_restoring_a_version_makes_it_the_newest_with_the_reason(admin_client, edited):
    url = admin_url(PromptTemplate, "restore", edited.pk, 1)

    response = admin_client.post(url, {"reason": "the day confused people"})

    edited.refresh_from_db()
    assert response.status_code == 302
    assert response["Location"] == change_url(edited)
    assert edited.version == 3
    assert edited.prompt_text == "Check capacity for {{currency}} today"
    assert edited.input_fields == [CURRENCY]
    reason = "restored version 1: the day confused people"
    assert edited.versions.get(version=3).change_note == reason
    assert edited.history.latest().history_change_reason == reason


def test_the_diff_page_offers_to_restore_the_older_version(admin_client, edited):
    page = admin_client.get(admin_url(PromptTemplate, "diff", edited.pk), {"a": 1, "b": 2})

    html = page.content.decode()
    assert f'action="{admin_url(PromptTemplate, "restore", edited.pk, 1)}"' in html
    assert 'method="post"' in html and "csrfmiddlewaretoken" in html
    assert "Restore this version" in html


def test_restore_needs_a_post_with_the_csrf_token(db, admin_user, edited):
    client = Client(enforce_csrf_checks=True)
    client.force_login(admin_user)
    url = admin_url(PromptTemplate, "restore", edited.pk, 1)

    assert client.get(url).status_code == 405
    assert client.post(url, {"reason": "x"}).status_code == 403
    edited.refresh_from_db()
    assert edited.version == 2


def test_a_viewer_cannot_restore(client, edited):
    staff(client, "viewer")

    response = client.post(admin_url(PromptTemplate, "restore", edited.pk, 1), {"reason": "x"})

    edited.refresh_from_db()
    assert response.status_code == 403
    assert edited.version == 2
