# HAWK Agent. `make run` and `make test` are all a newcomer needs (see README.md).
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test lint typecheck pytest serve bench bench-streaming bench-load demo-bundle clean

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
	$(BIN)/uvicorn hawk.asgi:application --host $(HOST) --port $(PORT)

## Set up and run the whole check: lint, format, types, tests.
test: $(VENV)/.dev-installed lint typecheck pytest

lint: $(VENV)/.dev-installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(VENV)/.dev-installed
	$(BIN)/mypy .

pytest: $(VENV)/.dev-installed
	$(BIN)/pytest $(PYTEST_ARGS)

## Benchmarks (see docs/benchmarks.md); needs DATABASE_URL and REDIS_URL for the real figures.
bench: $(VENV)/.dev-installed
	$(BIN)/python bench/pipeline.py

## Streaming over HTTP: first event, relay overhead per Dify chunk, 50 concurrent streams.
bench-streaming: $(VENV)/.dev-installed
	$(BIN)/python bench/streaming.py

## Load: 30 users back to back for 3 minutes over SSE and WebSocket, with writes interleaved.
## LOAD_DATABASE_URL / LOAD_REDIS_URL choose its database; LOAD_ARGS e.g. "--duration 60".
bench-load: $(VENV)/.dev-installed
	$(BIN)/python bench/load.py $(LOAD_ARGS)

## Regenerate the committed demo bundle from its deterministic generator.
demo-bundle: $(VENV)/.base-installed
	$(BIN)/python -m hawk.demo.generate

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
