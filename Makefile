# HAWK Agent. `make run` and `make test` are all a newcomer needs (see README.md).
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test lint typecheck pytest eval serve bench bench-freshness bench-streaming bench-load bench-faults demo-bundle dashboards screenshots clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.base-installed: requirements/base.txt | $(BIN)/python
	$(BIN)/pip install --disable-pip-version-check -q -r requirements/base.txt
	touch $@

$(VENV)/.dev-installed: requirements/base.txt requirements/dev.txt | $(BIN)/python
	$(BIN)/pip install --disable-pip-version-check -q -r requirements/dev.txt
	touch $@ $(VENV)/.base-installed

## Set up and serve on http://127.0.0.1:8000 with the embedded defaults.
run: $(VENV)/.base-installed
	$(BIN)/python manage.py migrate --no-input -v 0
	$(BIN)/python manage.py bootstrap_local
	$(BIN)/uvicorn hawk.asgi:application --host $(HOST) --port $(PORT) --ws-max-size 1048576

## Set up and run the whole check: lint, format, types, the golden set, tests (the test
## runner last, so its summary closes the output).
test: $(VENV)/.dev-installed lint typecheck eval pytest

## Lint, format, the import contract (the layers of docs/architecture.md, in pyproject.toml) and
## expand/contract migrations (docs/operations.md, "Deploys").
lint: $(VENV)/.dev-installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/python manage.py lint_migrations

typecheck: $(VENV)/.dev-installed
	$(BIN)/mypy .

pytest: $(VENV)/.dev-installed
	$(BIN)/pytest $(PYTEST_ARGS)

## The golden set on the built-in analyst (docs/evaluation.md), in a throw-away SQLite database
## loaded with the demo data: never a developer's own database or cache.
EVAL_DB := $(shell mktemp -u /tmp/hawk-eval-XXXXXX).sqlite3
eval: $(VENV)/.dev-installed
	@export DATABASE_URL=sqlite:///$(EVAL_DB) REDIS_URL= DIFY_BASE_URL= DIFY_API_KEY=; \
	$(BIN)/python manage.py migrate --no-input -v 0 && \
	$(BIN)/python manage.py import_hedge_data hawk/demo/demo_bundle.json -v 0 && \
	$(BIN)/python manage.py load_prompt_templates -v 0 && \
	$(BIN)/python manage.py hawk_eval --backend builtin $(EVAL_ARGS); \
	status=$$?; rm -f $(EVAL_DB); exit $$status

## Benchmarks (see docs/benchmarks.md); needs DATABASE_URL and REDIS_URL for the real figures.
bench: $(VENV)/.dev-installed
	$(BIN)/python bench/pipeline.py

## Writes made outside Django: stale answers and the time from commit to a fresh answer.
bench-freshness: $(VENV)/.dev-installed
	$(BIN)/python bench/freshness.py

## Streaming over HTTP: first event, relay overhead per Dify chunk, 50 concurrent streams.
bench-streaming: $(VENV)/.dev-installed
	$(BIN)/python bench/streaming.py

## Load: 30 users back to back for 3 minutes over SSE and WebSocket, with writes interleaved.
## LOAD_DATABASE_URL / LOAD_REDIS_URL choose its database; LOAD_ARGS e.g. "--duration 60".
bench-load: $(VENV)/.dev-installed
	$(BIN)/python bench/load.py $(LOAD_ARGS)

## Faults: Postgres restarted under a real worker (a private cluster), idle and under 30 users.
bench-faults: $(VENV)/.dev-installed
	$(BIN)/python bench/faults.py

## Rebuild the Grafana dashboards from their definition (docker/grafana/build_dashboards.py).
## The rule checks (promtool) and the live Prometheus test are part of `make test`.
dashboards: $(BIN)/python
	$(BIN)/python docker/grafana/build_dashboards.py

## The screenshots in docs/ (console.png, preview.png): a throw-away SQLite database with the
## demo data, the app under uvicorn, Debian's Chromium at 1,280 x 800 (bench/screenshots.py).
screenshots: $(VENV)/.dev-installed
	$(BIN)/python bench/screenshots.py

## Regenerate the committed demo bundle from its deterministic generator.
demo-bundle: $(VENV)/.base-installed
	$(BIN)/python -m hawk.demo.generate

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
