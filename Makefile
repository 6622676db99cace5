# The two commands of the README: `make run` and `make test`. Everything they need is installed here.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
PG_URL := $(TEST_DATABASE_URL)

.PHONY: run test lint format bench soak messages clean chromium wrk

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.runtime: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev: requirements-dev.txt requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@ $(VENV)/.runtime

## run: install, migrate, seed the demo data when empty, serve on :8000
run: $(VENV)/.runtime
	$(BIN)/python -m app migrate
	$(BIN)/python -m app seed-demo --if-empty
	@echo ""
	@echo "  Open http://$${APP_HOST:-127.0.0.1}:$${APP_PORT:-8000}/  (demo logins above; password for all: demo1234 — demo only)"
	@echo ""
	$(BIN)/python -m app serve --host $${APP_HOST:-127.0.0.1} --port $${APP_PORT:-8000}

## test: lint, then the whole suite on SQLite and on PostgreSQL (when TEST_DATABASE_URL is set). The
## in-process tests of the two engines run side by side (two processes, own databases: CPU-bound, they
## share the two cores well); the browser tests then run one engine after the other, because two
## Chromiums and two servers on two cores make their timing unreliable.
test: $(VENV)/.dev chromium lint
	@set -u; pg_log=$$(mktemp); pg_pid=; pg_rc=0; \
	if [ -n "$(PG_URL)" ]; then \
		DATABASE_URL="$(PG_URL)" $(BIN)/python -m pytest --ignore=tests/e2e > "$$pg_log" 2>&1 & pg_pid=$$!; \
	fi; \
	echo "== SQLite: in-process tests"; DATABASE_URL= $(BIN)/python -m pytest --ignore=tests/e2e; rc=$$?; \
	if [ -n "$$pg_pid" ]; then \
		wait $$pg_pid; pg_rc=$$?; echo "== PostgreSQL ($(PG_URL)): in-process tests"; cat "$$pg_log"; \
	fi; rm -f "$$pg_log"; \
	echo "== SQLite: browser tests"; DATABASE_URL= $(BIN)/python -m pytest tests/e2e || rc=1; \
	if [ -n "$(PG_URL)" ]; then \
		echo "== PostgreSQL: browser tests"; DATABASE_URL="$(PG_URL)" $(BIN)/python -m pytest tests/e2e || pg_rc=1; \
	else echo "== TEST_DATABASE_URL not set: PostgreSQL runs skipped"; fi; \
	echo "== SQLite exit $$rc, PostgreSQL exit $$pg_rc"; test $$rc -eq 0 -a $$pg_rc -eq 0

chromium:
	@bash scripts/install-chromium.sh

wrk:
	@bash scripts/install-wrk.sh

lint: $(VENV)/.dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

format: $(VENV)/.dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

## bench: the numbers the issues ask for (tests/perf), not part of `make test`
bench: $(VENV)/.dev chromium wrk
	DATABASE_URL= $(BIN)/python -m pytest tests/perf -p no:cacheprovider -q -s -o addopts="" --override-ini=norecursedirs=
	@if [ -n "$(PG_URL)" ]; then DATABASE_URL="$(PG_URL)" $(BIN)/python -m pytest tests/perf -q -s -o addopts="" --override-ini=norecursedirs= ; fi

## soak: the randomised fault driver (issue 16): 1,000 cycles on SQLite, and on PostgreSQL when
## TEST_DATABASE_URL is set (its schema is dropped, as by `make test`); prints cycles, kills, lost, doubled
SOAK_CYCLES ?= 1000
soak: $(VENV)/.dev
	DATABASE_URL= $(BIN)/python -m tests.soak.soak --cycles $(SOAK_CYCLES)
	@if [ -n "$(PG_URL)" ]; then $(BIN)/python -m tests.soak.soak --cycles $(SOAK_CYCLES) --database-url "$(PG_URL)"; \
	else echo "== TEST_DATABASE_URL not set: PostgreSQL soak skipped"; fi

## messages: extract translatable strings and update the catalogues
messages: $(VENV)/.dev
	$(BIN)/python tools/messages.py

clean:
	rm -rf $(VENV) var tests/e2e/artifacts
