"""export_templates / import_templates: templates move between environments with their uuid
ids; a re-import updates (with a new version) instead of duplicating; a bad file writes nothing."""

import json

import pytest
from django.core.management import CommandError, call_command

from templates_app.models import PromptTemplate
from tests.templates_app.helpers import make_template


def test_an_export_imports_elsewhere_with_the_same_ids(db, tmp_path):
    template = make_template()
    path = tmp_path / "templates.json"
    call_command("export_templates", str(path))
    original_uuid = template.uuid
    PromptTemplate.objects.all().delete()

    call_command("import_templates", str(path))

    moved = PromptTemplate.objects.get()
    assert moved.uuid == original_uuid
    assert moved.prompt_text == template.prompt_text
    assert moved.data_requirements == template.data_requirements
    assert json.loads(path.read_text())[0]["id"] == str(original_uuid)


def test_a_changed_template_updates_by_id_with_a_new_version(db, tmp_path):
    template = make_template()
    path = tmp_path / "templates.json"
    call_command("export_templates", str(path))
    rows = json.loads(path.read_text())
    rows[0]["prompt_text"] = "Hedge {{amount}} {{currency}} now?"
    path.write_text(json.dumps(rows))

    call_command("import_templates", str(path))

    template.refresh_from_db()
    assert PromptTemplate.objects.count() == 1
    assert (template.version, template.prompt_text) == (2, "Hedge {{amount}} {{currency}} now?")


def test_a_hawk_row_without_the_product_columns_imports(db, tmp_path):
    row = {"id": "6f1f7a3e-2b1c-4d5e-8f90-123456789abc", "name": "From HAWK",
           "family_type": "monitoring_status", "template_category": "monitoring",
           "prompt_text": "Show today's exceptions", "input_fields": [], "status": "active",
           "display_order": 1, "usage_count": 7, "template_filters": None}  # fmt: skip
    path = tmp_path / "hawk.json"
    path.write_text(json.dumps([row]))

    call_command("import_templates", str(path))

    imported = PromptTemplate.objects.get(name="From HAWK")
    assert str(imported.uuid) == row["id"] and imported.usage_count == 7


def test_a_bad_row_rejects_the_whole_file(db, tmp_path):
    good = {"id": "6f1f7a3e-2b1c-4d5e-8f90-123456789abc", "name": "Good",
            "family_type": "monitoring_status", "template_category": "monitoring",
            "prompt_text": "Show exceptions"}  # fmt: skip
    bad = {**good, "id": "not-a-uuid", "name": "Bad", "data_requirements": {"sources": ["x"]}}
    path = tmp_path / "bad.json"
    path.write_text(json.dumps([good, bad]))

    with pytest.raises(CommandError) as failure:
        call_command("import_templates", str(path))

    assert "row 2 (Bad): id must be a uuid" in str(failure.value)
    assert "unknown data source(s) x" in str(failure.value)
    assert not PromptTemplate.objects.exists()
