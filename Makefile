# ackline — every target installs what it needs first, so each works on a fresh clone.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
TOOLS := .tools
SAM := $(TOOLS)/bin/sam
export SAM_CLI_TELEMETRY := 0
export AWS_DEFAULT_REGION ?= us-east-1

.PHONY: help install lock tools browser dev dev-reset soak demo test test-fast test-unit test-integration test-e2e test-browser lint typecheck template-check build build-check bench eval oof train clean

help:
	@echo "make dev    - install, then run the whole stack locally (webhooks on 127.0.0.1:3000)"
	@echo "make dev-reset - the same, from empty state (or: RESET=1 make dev)"
	@echo "make demo   - send a few realistic signed webhooks to the running stack and show what ackline did"
	@echo "              (PORT=3100 make dev runs the stack on another port; make demo finds it by itself)"
	@echo "make test   - install, then run every check and test, and print the coverage"
	@echo "make test-unit | test-integration | test-e2e | test-browser - one kind of suite"
	@echo "make lock   - re-pin requirements.lock and the layer's requirements after changing pyproject.toml"
	@echo "make build  - sam build for AWS (arm64, python3.13)"
	@echo "make bench  - print speed and cost figures, write bench/results.json"
	@echo "make soak   - 30 min at 20 webhooks/s against a fresh local stack, printing its memory"
	@echo "make eval   - score triage on the labelled corpus, per split (train/dev/test) and source"
	@echo "make oof    - the triage rules out of fold over train+dev (ARGS=\"--save NAME\" / \"--against NAME\")"
	@echo "make train  - refit the triage model on the corpus' train+dev splits (writes the layer's model file)"

# The app's virtualenv: exactly requirements.lock (every runtime and dev dependency, pinned), then the project
# itself without dependencies; re-installed whenever the lock or pyproject.toml changes.
$(VENV)/.installed: pyproject.toml requirements.lock
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.lock
	$(PY) -m pip install --quiet --no-deps -e .
	touch $@

install: $(VENV)/.installed

# Re-pin requirements.lock and the layer's requirements after changing dependencies in pyproject.toml (pins
# already in the lock are kept where pyproject allows them); UPGRADE=1 moves everything to the newest allowed.
lock: install
	$(PY) infra/tools/lock.py $(if $(filter 1 true yes,$(UPGRADE)),--upgrade)
	$(MAKE) install

# aws-sam-cli pins its own boto3, so it lives in a separate tools virtualenv.
$(TOOLS)/.installed:
	test -x $(TOOLS)/bin/python || $(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/python -m pip install --quiet --upgrade pip
	$(TOOLS)/bin/python -m pip install --quiet 'aws-sam-cli>=1.140,<2'
	touch $@

tools: $(TOOLS)/.installed

# Debian's Chromium for the queue-page browser tests (Playwright drives it; it never downloads a browser).
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "installing Debian chromium for the browser tests"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium >/dev/null; }

# What the stack stores is kept in .local-state/ across restarts; RESET=1 (or make dev-reset) starts afresh.
STATE_DIR ?= .local-state
dev: install
	$(PY) -m ackline_local --state-dir $(STATE_DIR) $(if $(filter 1 true yes,$(RESET)),--reset)

dev-reset: install
	$(PY) -m ackline_local --state-dir $(STATE_DIR) --reset

demo: install
	$(PY) -m ackline_local.demo

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

typecheck: install
	$(VENV)/bin/mypy layers/core/ackline functions infra/local/ackline_local infra/triage/ackline_triage tests/fakes.py tests/contracts tests/handlers

template-check: install tools
	$(VENV)/bin/cfn-lint template.yaml
	$(SAM) validate --lint --region $(AWS_DEFAULT_REGION)

build: tools
	$(SAM) build

# The same build into a scratch folder, so `make test` proves the template and the layer still build for AWS.
build-check: tools
	$(SAM) build --build-dir .aws-sam/build-check --cache-dir .aws-sam/cache-check >/dev/null
	test -f .aws-sam/build-check/CoreLayer/python/ackline/__init__.py
	@echo "sam build: ok ($$(find .aws-sam/build-check/CoreLayer -name '*.cpython-313.pyc' | wc -l) modules precompiled for python3.13)"

# Line and branch coverage of ackline, the handlers and the local stack, including the stacks the suites start as
# subprocesses; `make test` prints it and fails below the floor (measured 92.1% on 2026-12-01 over every suite).
COVERAGE_FLOOR ?= 88
COVERAGE := --cov --cov-report=term:skip-covered --cov-fail-under=$(COVERAGE_FLOOR)

test: install tools browser lint typecheck template-check build-check
	$(VENV)/bin/pytest $(COVERAGE)

test-fast: install
	$(VENV)/bin/pytest -m "not browser"

# One suite at a time (markers are applied per folder by tests/conftest.py).
test-unit: install
	$(VENV)/bin/pytest -m "unit or handlers or contracts or eval"

test-integration: install
	$(VENV)/bin/pytest -m "integration or local_stack or infra"

test-e2e: install
	$(VENV)/bin/pytest -m "e2e or badinput"

test-browser: install browser
	$(VENV)/bin/pytest -m browser

# One run (about 5-8 minutes here): prints the table and writes bench/results.json (infra/bench/run.py --help).
bench: install
	$(PY) infra/bench/run.py

# Memory over a long run: signed webhooks at a steady rate against a fresh stack, its RSS printed as it goes.
SOAK_MINUTES ?= 30
SOAK_RATE ?= 20
soak: install
	$(PY) -m ackline_local.soak --minutes $(SOAK_MINUTES) --rate $(SOAK_RATE)

eval: install
	$(PY) -m ackline_triage.evaluate

# The engine out of fold over train+dev (each message judged by a fold model that never saw it): for rule work, whose
# figures on train/dev are otherwise in-sample. Fold models are cached in .cache/oof (first run ~5 min, then seconds).
oof: install
	$(PY) -m ackline_triage.oof $(ARGS)

# Fits on train+dev with thresholds picked out-of-fold (5 folds), writes layers/core/ackline/domain/triage_model.json.gz (commit it).
train: install
	$(PY) -m ackline_triage.train_triage

clean:
	rm -rf .aws-sam .pytest_cache .mypy_cache .ruff_cache
