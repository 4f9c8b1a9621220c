"""A run's two history writes (its row as it starts, its end) bind their values to SQL built
once (hawk.models.statements): the same row as the ORM writes, no statement compiled per run,
and a model someone listens to is still saved through the ORM."""

import uuid
from decimal import Decimal
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.db.models.signals import post_save
from django.db.models.sql import compiler
from django.forms.models import model_to_dict

from hawk.analysis.cost import RunCost
from hawk.models import AgentRun
from hawk.models.statements import insert, update
from hawk.pipeline.run.history import run_create, run_finish
from templates_app.experiments import TemplateChoice
from templates_app.models import PromptTemplate
from tests.templates_app.helpers import capacity_pair, experiment_of

pytestmark = pytest.mark.django_db

PLAN = {
    "intent": "capacity",
    "template_category": "hedge",
    "parameters": {"currency": "CNY", "amount": "150000", "note": "élan 円"},
    "tables": ["currency", "position_nav"],
}


def start(run_id: uuid.UUID, user_id: int | None) -> None:
    run_create(
        run_id=run_id,
        user_id=user_id,
        channel="http",
        prompt="Check if I can hedge 150K CNY today",
        session_id="s-1",
        conversation_id="",
        choice=None,
        plan=PLAN,
        msg_uid="m-1",
    )


def finish(run_id: uuid.UUID) -> None:
    run_finish(
        run_id=run_id,
        status="completed",
        answer="Yes: 150,000 CNY fits.",
        usage={"prompt_tokens": 120, "completion_tokens": 30},
        cost=RunCost(usd=Decimal("0.0012345"), source="table"),
        quality={"score": 0.9375, "risk": "low", "findings": []},
        timings={"total_ms": 12.5, "first_token_ms": None},
        records=7,
        backend="builtin",
    )


@pytest.fixture
def user() -> Any:
    return get_user_model().objects.create_user("writer")


def test_a_run_written_by_statements_reads_as_the_orm_writes_it(user):
    by_statements, by_orm = uuid.uuid4(), uuid.uuid4()
    start(by_statements, user.pk)
    finish(by_statements)
    AgentRun.objects.create(
        run_id=by_orm,
        user_id=user.pk,
        channel="http",
        prompt="Check if I can hedge 150K CNY today",
        session_id="s-1",
        conversation_id="",
        msg_uid="m-1",
        instruction_id="",
        template=None,
        template_version=None,
        experiment_id=None,
        variant="",
        intent="capacity",
        template_category="hedge",
        parameters=PLAN["parameters"],
        plan=PLAN,
    )
    AgentRun.objects.filter(run_id=by_orm).update(
        status="completed",
        answer="Yes: 150,000 CNY fits.",
        usage={"prompt_tokens": 120, "completion_tokens": 30},
        prompt_tokens=120,
        completion_tokens=30,
        total_price=Decimal("0.0012345"),
        price_currency="USD",
        cost_estimated=False,
        reserved_usd=0,
        quality={"score": 0.9375, "risk": "low", "findings": []},
        quality_score=Decimal("0.9375"),
        error={},
        finished_at=AgentRun.objects.get(run_id=by_statements).finished_at,
        timings={"total_ms": 12.5, "first_token_ms": None},
        records=7,
        backend="builtin",
    )
    mine, orms = (AgentRun.objects.get(run_id=run_id) for run_id in (by_statements, by_orm))
    skip = {"run_id", "created_at"}
    assert {k: v for k, v in model_to_dict(mine).items() if k not in skip} == {
        k: v for k, v in model_to_dict(orms).items() if k not in skip
    }
    assert mine.parameters["note"] == "élan 円" and mine.quality_score == Decimal("0.9375")
    assert mine.created_at <= mine.finished_at


def test_no_statement_is_compiled_per_run(user, monkeypatch):
    start(uuid.uuid4(), user.pk)  # the first run of a process builds the two statements
    finish(AgentRun.objects.get().run_id)
    compiled: list[str] = []
    for name in ("SQLInsertCompiler", "SQLUpdateCompiler"):
        klass = getattr(compiler, name)
        original = klass.as_sql

        def counted(self: Any, *args: Any, _original: Any = original, **kwargs: Any) -> Any:
            compiled.append(type(self).__name__)
            return _original(self, *args, **kwargs)

        monkeypatch.setattr(klass, "as_sql", counted)
    run_id = uuid.uuid4()
    start(run_id, user.pk)
    finish(run_id)
    assert compiled == []
    assert AgentRun.objects.get(run_id=run_id).status == "completed"


def test_a_receiver_of_the_models_saves_still_hears_a_run_start(user):
    heard: list[uuid.UUID] = []

    def receiver(sender: Any, instance: AgentRun, created: bool, **kwargs: Any) -> None:
        heard.append(instance.run_id)

    post_save.connect(receiver, sender=AgentRun)
    try:
        run_id = uuid.uuid4()
        start(run_id, user.pk)
    finally:
        post_save.disconnect(receiver, sender=AgentRun)
    assert heard == [run_id]
    assert AgentRun.objects.filter(run_id=run_id).exists()


def test_an_update_counts_its_rows_and_refuses_the_primary_key(user):
    run_id = uuid.uuid4()
    start(run_id, user.pk)
    assert update(AgentRun, run_id, {"status": "failed", "error": {"code": "x"}}) == 1
    assert update(AgentRun, uuid.uuid4(), {"status": "failed"}) == 0
    assert AgentRun.objects.get(run_id=run_id).error == {"code": "x"}
    with pytest.raises(ValueError, match="run_id"):
        update(AgentRun, run_id, {"run_id": uuid.uuid4()})


def test_an_unknown_field_is_refused_as_the_orm_refuses_it():
    with pytest.raises(TypeError, match="no_such_field"):
        insert(AgentRun, {"run_id": uuid.uuid4(), "prompt": "p", "no_such_field": 1})
    assert not AgentRun.objects.exists()


def test_a_template_run_records_its_template_experiment_and_variant(user):
    first, second = capacity_pair()
    experiment = experiment_of(first, second)
    run_id = uuid.uuid4()
    run_create(
        run_id=run_id,
        user_id=user.pk,
        channel="ws",
        prompt="Can I hedge 5M CNY right now?",
        session_id="",
        conversation_id="",
        choice=TemplateChoice(second, experiment_id=experiment.pk, variant="B"),
        plan=PLAN,
    )
    run = AgentRun.objects.get(run_id=run_id)
    assert (run.template, run.template_version) == (second, second.version)
    assert (run.experiment, run.variant) == (experiment, "B")


def test_an_unsaved_template_is_refused_as_save_refuses_it(user):
    unsaved = PromptTemplate(name="never saved", prompt_text="x")
    with pytest.raises(ValueError, match="unsaved"):
        insert(AgentRun, {"run_id": uuid.uuid4(), "prompt": "p", "template": unsaved})
    assert not AgentRun.objects.exists()
