# Passerelle — the two commands: `make run` and `make test`. Both install what is missing first.
SHELL := /bin/bash
# Python 3.13: Chalice gives the functions the runtime of the Python that runs `chalice package`
# (python3.13, Amazon Linux 2023). Found on PATH (python3.13, python3) or in pyenv's versions folder,
# newest patch first; `make PYTHON=/path/to/python3.13 …` chooses another one.
PYTHON_VERSION := 3.13
IS_PYTHON_VERSION := import sys; sys.exit("%d.%d" % sys.version_info[:2] != "$(PYTHON_VERSION)")
PYENV_VERSIONS := $(or $(PYENV_ROOT),$(HOME)/.pyenv)/versions
ifeq ($(origin PYTHON),undefined)
PYTHON := $(shell for p in python$(PYTHON_VERSION) python3 \
	$$(ls -d $(PYENV_VERSIONS)/$(PYTHON_VERSION).*/bin/python$(PYTHON_VERSION) 2>/dev/null | sort -rV); do \
	"$$p" -c '$(IS_PYTHON_VERSION)' 2>/dev/null && { "$$p" -c 'import sys; print(sys.executable)'; break; }; done)
endif
VENV := .venv
PY := $(VENV)/bin/python
PYTEST := $(VENV)/bin/pytest
PYDEPS := $(VENV)/.deps-installed
NODEDEPS := node_modules/.deps-installed
ASSETS := build/site/.built
CHECKOV_VENV := .venv-checkov
CHECKOV_DEPS := $(CHECKOV_VENV)/.deps-installed
PACKAGE_DIR := build/package
PACKAGE := $(PACKAGE_DIR)/sam.json
STAGE ?= prod

.PHONY: install run test lint format refdata refdata-check package package-check unit integration cfn checkov e2e fuzz bench deploy clean python FORCE

install: $(PYDEPS) $(ASSETS)

# Stops with a clear message when no Python 3.13 is found.
python:
	@test -n "$(PYTHON)" || { \
	  echo "Python $(PYTHON_VERSION) introuvable (ni python$(PYTHON_VERSION) ni python3 dans le PATH, ni $(PYENV_VERSIONS)/$(PYTHON_VERSION).*) :" >&2; \
	  echo "  installez-le (pyenv install $(PYTHON_VERSION), ou le paquet de votre système), ou passez PYTHON=/chemin/vers/python$(PYTHON_VERSION)." >&2; \
	  echo "Python $(PYTHON_VERSION) not found (no python$(PYTHON_VERSION) or python3 on PATH, nothing in $(PYENV_VERSIONS)/$(PYTHON_VERSION).*):" >&2; \
	  echo "  install it (pyenv install $(PYTHON_VERSION), or your system's package), or pass PYTHON=/path/to/python$(PYTHON_VERSION)." >&2; \
	  exit 1; }
	@$(PYTHON) -c '$(IS_PYTHON_VERSION)' || { echo "$(PYTHON) n'est pas Python $(PYTHON_VERSION) / is not Python $(PYTHON_VERSION)" >&2; exit 1; }

# A venv made by another Python (a developer's old 3.11 one, or one whose Python is gone) is rebuilt,
# not kept: `stale` names FORCE for such a venv, and `fresh-venv` removes it before `python -m venv`.
stale = $(if $(wildcard $(1)/pyvenv.cfg),$(if $(shell $(1)/bin/python -c '$(IS_PYTHON_VERSION)' 2>/dev/null && echo ok),,FORCE))
fresh-venv = if test -e $(1)/pyvenv.cfg && ! $(1)/bin/python -c '$(IS_PYTHON_VERSION)' 2>/dev/null; then \
	  echo "$(1) : pas Python $(PYTHON_VERSION), reconstruit / not Python $(PYTHON_VERSION), rebuilt"; rm -rf $(1); fi; \
	test -x $(1)/bin/python || $(PYTHON) -m venv $(1)
FORCE:

$(PYDEPS): requirements.txt requirements-dev.txt $(call stale,$(VENV)) | python
	@$(call fresh-venv,$(VENV))
	$(PY) -m pip install -q "pip>=24,<26.3"
	$(PY) -m pip install -q -r requirements-dev.txt
	touch $@

$(NODEDEPS): package.json package-lock.json
	PUPPETEER_SKIP_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error
	touch $@

# The site built into build/site (pages from site/_layout.html, static files, npm files): docs/site.md.
# Always Grand Est's here (what the tests read); `PASSERELLE_REGION=32 make run` builds the région's
# data and site (build/refdata/32, build/site-32) when it starts (scripts/local_stack.py).
$(ASSETS): $(NODEDEPS) $(PYDEPS) scripts/build_site.py $(shell find site chalicelib/regions -type f)
	PASSERELLE_REGION= $(PY) scripts/build_site.py --quiet
	touch $@

run: install
	$(PY) scripts/local_stack.py

test: install lint refdata-check package unit integration cfn checkov e2e fuzz

lint: $(PYDEPS)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(PYDEPS)
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

refdata: $(PYDEPS)
	$(PY) scripts/build_reference_data.py --region 44

refdata-check: $(PYDEPS)
	$(PY) scripts/build_reference_data.py --region 44 --check
	$(PY) scripts/build_map_data.py --check

# The package tests (tests/unit/test_package.py) and the deploy rehearsal read build/package; the
# site tests and the rehearsal read build/site (install).
unit: install $(PACKAGE)
	$(PYTEST) -q tests/unit

# Integration modules are spread over TEST_WORKERS processes (pytest-xdist, whole modules per process:
# module fixtures and the queue counts stay within one process); each process has its own moto server
# and stack, so each one's tables hold half the suite's data. TEST_WORKERS=0 runs them in this process.
TEST_WORKERS ?= 2
integration: install $(PACKAGE)
	$(PYTEST) -q -n $(TEST_WORKERS) --dist loadfile tests/integration

# The deployment package (scripts/package.py): `chalice package --stage prod`, every module compiled by
# this venv's Python 3.13, a reproducible zip. Built again only when what goes into it changed.
$(PACKAGE): $(PYDEPS) scripts/package.py app.py requirements.txt .chalice/config.json $(wildcard .chalice/policy-*.json) $(shell find chalicelib -type f -not -path '*/__pycache__/*')
	$(PY) scripts/package.py --out $(PACKAGE_DIR)

package: $(PACKAGE)

# Two builds (the second from a fresh copy, without Chalice's cache) must give byte-identical zips.
package-check: $(PYDEPS)
	$(PY) scripts/package.py --check-reproducible

# cfn-lint on infra/ and on the packaged template (production).
cfn: $(PYDEPS) $(PACKAGE)
	$(VENV)/bin/cfn-lint infra/template.yaml
	$(VENV)/bin/cfn-lint $(PACKAGE)

# checkov in its own virtualenv, same Python (it pins libraries older than the app's), on infra/ (accepted findings
# are suppressed in the template, with reasons) and on the packaged template (.checkov-chalice.yaml).
$(CHECKOV_DEPS): requirements-checkov.txt $(call stale,$(CHECKOV_VENV)) | python
	@$(call fresh-venv,$(CHECKOV_VENV))
	$(CHECKOV_VENV)/bin/python -m pip install -q "pip>=24,<26.3"
	$(CHECKOV_VENV)/bin/python -m pip install -q -r requirements-checkov.txt
	touch $@

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
	rm -rf build .pytest_cache .ruff_cache
