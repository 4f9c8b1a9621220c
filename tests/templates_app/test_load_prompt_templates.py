"""`manage.py load_prompt_templates`: the demo templates load, reload as updates, and a file
with any problem writes nothing and says which template is wrong and why."""

import copy
import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from templates_app.management.commands.load_prompt_templates import DEMO_FILE, PLACEHOLDER
from templates_app.models import Category, Family, PromptTemplate


def demo_templates() -> list[dict]:
    return json.loads(DEMO_FILE.read_text(encoding="utf-8"))


def valid_template(name: str = "Capacity check") -> dict:
    return {
        "name": name,
        "family_type": "instructions_processing",
        "template_category": "utilisation",
        "prompt_text": "Check if I can hedge {{amount}} {{currency}} today",
        "input_fields": [
            {"name": "amount", "label": "Amount", "type": "amount", "required": True},
            {"name": "currency", "label": "Currency", "type": "currency", "required": True},
        ],
        "data_requirements": {"sources": ["positions", "allocations"], "scope": "targeted"},
    }


def written(tmp_path: Path, templates: list[dict]) -> Path:
    path = tmp_path / "templates.json"
    path.write_text(json.dumps(templates), encoding="utf-8")
    return path


def load_failure(path: Path) -> str:
    with pytest.raises(CommandError) as failure:
        call_command("load_prompt_templates", str(path))
    return str(failure.value)


def test_the_demo_file_loads_32_or_more_templates_over_every_family_and_category(db):
    call_command("load_prompt_templates")

    templates = PromptTemplate.objects.all()
    assert templates.count() == len(demo_templates()) >= 32
    assert {t.family_type for t in templates} == set(Family.values)
    assert {t.template_category for t in templates} == set(Category.values)
    assert all(t.status == "active" and t.version == 1 for t in templates)


def test_demo_placeholders_match_their_input_fields(db):
    call_command("load_prompt_templates")

    for template in PromptTemplate.objects.all():
        declared = {field["name"] for field in template.input_fields}
        assert set(PLACEHOLDER.findall(template.prompt_text)) == declared, template.name


def test_a_second_load_updates_without_duplicates(db, tmp_path):
    call_command("load_prompt_templates")
    templates = demo_templates()
    edited = copy.deepcopy(templates)
    edited[0]["description"] = "Reworded description"
    edited[1]["prompt_text"] += " and show the PB deposit status"

    call_command("load_prompt_templates", str(written(tmp_path, edited)))

    assert PromptTemplate.objects.count() == len(templates)
    first = PromptTemplate.objects.get(name=templates[0]["name"])
    second = PromptTemplate.objects.get(name=templates[1]["name"])
    assert (first.description, first.version) == ("Reworded description", 1)
    assert second.prompt_text.endswith("PB deposit status") and second.version == 2


def test_reloading_an_unchanged_file_changes_nothing(db):
    call_command("load_prompt_templates")
    before = dict(PromptTemplate.objects.values_list("name", "updated_at"))

    call_command("load_prompt_templates")

    assert dict(PromptTemplate.objects.values_list("name", "updated_at")) == before


def test_an_undeclared_placeholder_writes_nothing_and_names_template_and_placeholder(db, tmp_path):
    broken = valid_template("Broken check")
    broken["prompt_text"] += " for {{entity_id}}"
    path = written(tmp_path, [valid_template(), broken])

    message = load_failure(path)

    assert "'Broken check'" in message
    assert "placeholder {{entity_id}} is not declared" in message
    assert PromptTemplate.objects.count() == 0


def test_a_bad_category_writes_nothing_and_names_template_and_category(db, tmp_path):
    broken = valid_template("Wrong category")
    broken["template_category"] = "hedging"

    message = load_failure(written(tmp_path, [valid_template(), broken]))

    assert "'Wrong category'" in message and "template_category 'hedging'" in message
    assert PromptTemplate.objects.count() == 0


def test_every_problem_is_reported_at_once(db, tmp_path):
    unused = valid_template("Unused field")
    unused["input_fields"].append({"name": "nav_type", "label": "NAV", "type": "nav_type"})
    bad_family = valid_template("Bad family")
    bad_family["family_type"] = "treasury"
    bad_source = valid_template("Bad source")
    bad_source["data_requirements"]["sources"].append("murex")

    message = load_failure(written(tmp_path, [unused, bad_family, bad_source]))

    assert "3 problem(s)" in message
    assert "'Unused field': input field 'nav_type' is not used in prompt_text" in message
    assert "'Bad family': family_type 'treasury'" in message
    assert "'Bad source': unknown data source(s) murex" in message


def test_a_failed_load_leaves_existing_templates_untouched(db, tmp_path):
    call_command("load_prompt_templates", str(written(tmp_path, [valid_template()])))
    changed = valid_template()
    changed["prompt_text"] = "Check {{amount}} {{currency}} now"
    broken = valid_template("Broken")
    broken["template_category"] = "nope"

    load_failure(written(tmp_path, [changed, broken]))

    kept = PromptTemplate.objects.get()
    assert kept.prompt_text == valid_template()["prompt_text"] and kept.version == 1


def test_a_missing_file_is_a_clear_error(db, tmp_path):
    message = load_failure(tmp_path / "absent.json")

    assert "cannot read" in message and "absent.json" in message
