# Passerelle — the two commands: `make run` and `make test`. Both install what is missing first.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PYTEST := $(VENV)/bin/pytest
PYDEPS := $(VENV)/.deps-installed
NODEDEPS := node_modules/.deps-installed
ASSETS := site/vendor/.built

.PHONY: install run test lint format refdata refdata-check unit integration cfn e2e bench clean

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

test: install lint refdata-check unit integration cfn e2e

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

e2e: install
	$(PYTEST) -q tests/e2e

bench: install
	$(PY) scripts/bench_matching.py

clean:
	rm -rf build .pytest_cache .ruff_cache site/vendor
