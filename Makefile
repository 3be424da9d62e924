# Passerelle — the two commands: `make run` and `make test`. Both install what is missing first.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PYTEST := $(VENV)/bin/pytest
PYDEPS := $(VENV)/.deps-installed
NODEDEPS := node_modules/.deps-installed
ASSETS := site/vendor/.built
CHECKOV_VENV := .venv-checkov
CHECKOV_DEPS := $(CHECKOV_VENV)/.deps-installed
PACKAGE := build/package/sam.json
STAGE ?= prod

.PHONY: install run test lint format refdata refdata-check unit integration cfn checkov e2e fuzz bench deploy clean

install: $(PYDEPS) $(ASSETS)

$(PYDEPS): requirements.txt requirements-dev.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q "pip>=24,<26.3"
	$(PY) -m pip install -q -r requirements-dev.txt
	touch $@

$(NODEDEPS): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

$(ASSETS): $(NODEDEPS) $(PYDEPS) scripts/build_site.py
	$(PY) scripts/build_site.py
	touch $@

run: install
	$(PY) scripts/local_stack.py

test: install lint refdata-check unit integration cfn checkov e2e fuzz

lint: $(PYDEPS)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(PYDEPS)
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

refdata: $(PYDEPS)
	$(PY) scripts/build_reference_data.py

refdata-check: $(PYDEPS)
	$(PY) scripts/build_reference_data.py --check

unit: $(PYDEPS)
	$(PYTEST) -q tests/unit

integration: $(PYDEPS)
	$(PYTEST) -q tests/integration

# cfn-lint on infra/ and on what `chalice package` produces for production.
cfn: $(PYDEPS)
	$(VENV)/bin/cfn-lint infra/template.yaml
	rm -rf build/package && AWS_DEFAULT_REGION=eu-west-3 $(VENV)/bin/chalice package --stage prod build/package >/dev/null
	$(VENV)/bin/cfn-lint build/package/sam.json

# checkov in its own virtualenv (it pins libraries older than the app's), on infra/ (accepted findings
# are suppressed in the template, with reasons) and on the packaged template (.checkov-chalice.yaml).
$(CHECKOV_DEPS): requirements-checkov.txt
	test -x $(CHECKOV_VENV)/bin/python || $(PYTHON) -m venv $(CHECKOV_VENV)
	$(CHECKOV_VENV)/bin/python -m pip install -q "pip>=24,<26.3"
	$(CHECKOV_VENV)/bin/python -m pip install -q -r requirements-checkov.txt
	touch $@

# Packaged again only when what goes into it changed (`make cfn` just before leaves it fresh).
$(PACKAGE): $(PYDEPS) app.py requirements.txt .chalice/config.json $(wildcard .chalice/policy-*.json) $(shell find chalicelib -type f -not -path '*/__pycache__/*')
	rm -rf build/package && AWS_DEFAULT_REGION=eu-west-3 $(VENV)/bin/chalice package --stage prod build/package >/dev/null

checkov: $(CHECKOV_DEPS) $(PACKAGE)
	$(CHECKOV_VENV)/bin/checkov -d infra --framework cloudformation --skip-download --quiet --compact
	$(CHECKOV_VENV)/bin/checkov --config-file .checkov-chalice.yaml -f $(PACKAGE)

e2e: install
	$(PYTEST) -q tests/e2e

# schemathesis on the local stack's own OpenAPI document, every role, seeded and bounded
fuzz: install
	$(PYTEST) -q tests/fuzz

bench: install
	$(PY) scripts/bench_matching.py

# The real AWS deployment (docs/deploy.md); needs AWS credentials for the target account.
deploy: install
	$(PY) scripts/deploy.py --stage $(STAGE)

clean:
	rm -rf build .pytest_cache .ruff_cache site/vendor
