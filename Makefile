# ackline — every target installs what it needs first, so each works on a fresh clone.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
TOOLS := .tools
SAM := $(TOOLS)/bin/sam
export SAM_CLI_TELEMETRY := 0
export AWS_DEFAULT_REGION ?= us-east-1

.PHONY: help install tools browser dev demo test test-fast lint typecheck template-check build build-check bench eval train clean

help:
	@echo "make dev    - install, then run the whole stack locally (webhooks on 127.0.0.1:3000)"
	@echo "make demo   - send a few realistic signed webhooks to the running stack"
	@echo "make test   - install, then run every check and test"
	@echo "make build  - sam build for AWS (arm64, python3.13)"
	@echo "make bench  - print speed and cost figures"
	@echo "make eval   - score triage on the labelled corpus, per split (train/dev/test) and source"
	@echo "make train  - refit the triage model on the corpus' train split (writes the layer's model file)"

# The app's virtualenv; re-installed whenever pyproject.toml changes.
$(VENV)/.installed: pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $@

install: $(VENV)/.installed

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

dev: install
	$(PY) -m ackline_local

demo: install
	$(PY) -m ackline_local.demo

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

typecheck: install
	$(VENV)/bin/mypy layers/core/ackline functions infra/local/ackline_local

template-check: install tools
	$(VENV)/bin/cfn-lint template.yaml
	$(SAM) validate --lint --region $(AWS_DEFAULT_REGION)

build: tools
	$(SAM) build

# The same build into a scratch folder, so `make test` proves the template and the layer still build for AWS.
build-check: tools
	$(SAM) build --build-dir .aws-sam/build-check --cache-dir .aws-sam/cache-check >/dev/null
	test -f .aws-sam/build-check/CoreLayer/python/ackline/__init__.py
	@echo "sam build: ok"

test: install tools browser lint typecheck template-check build-check
	$(VENV)/bin/pytest

test-fast: install
	$(VENV)/bin/pytest -m "not browser"

bench: install
	$(PY) -m ackline_local.bench

eval: install
	$(PY) -m ackline_local.evaluate

# Fits on train, picks thresholds on dev, writes layers/core/ackline/domain/triage_model.json.gz (commit it).
train: install
	$(PY) -m ackline_local.train_triage

clean:
	rm -rf .aws-sam .pytest_cache .mypy_cache .ruff_cache
