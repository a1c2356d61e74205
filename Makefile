# Two commands do all the set-up: `make run` and `make test` (README). Everything else is optional.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell cat requirements.txt requirements-dev.txt lambda_src/requirements.txt 2>/dev/null | cksum | cut -d' ' -f1)
DAYS ?= 1
PYTEST_ARGS ?=
# Two pytest workers: the end-to-end runs wait on emulators and Spark as much as they compute (tests/conftest.py
# keeps the tests that share a session fixture on one worker).
TEST_WORKERS ?= 2

# aws-cdk-lib prints a Node end-of-life banner on every import under Node 20.
export JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION := 20
export PYTHONPATH := $(CURDIR):$(CURDIR)/lambda_src:$(CURDIR)/glue_jobs:$(CURDIR)/snowflake_sql

.PHONY: run test test-fast bench audit synth pbip warehouse-sql lint clean prereqs

prereqs:
	@bash local/check_prereqs.sh $(PYTHON)

$(STAMP):
	@bash local/check_prereqs.sh $(PYTHON)
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@echo "installing pinned requirements into $(VENV) (first time only, a few minutes)..."
	@$(PY) -m pip install -q --disable-pip-version-check -r requirements-dev.txt
	@rm -f $(VENV)/.installed-*
	@touch $(STAMP)

## One daily run of the whole pipeline on local emulators (DAYS=7 runs a week of consecutive days).
run: $(STAMP)
	@$(PY) -m local.run --days $(DAYS)

## The test suite (no cloud account needed).
test: $(STAMP)
	@$(PY) -m pytest -q -n $(TEST_WORKERS) $(PYTEST_ARGS)

## The tests without the slow end-to-end runs.
test-fast: $(STAMP)
	@$(PY) -m pytest -q -n $(TEST_WORKERS) -m "not slow" $(PYTEST_ARGS)

## Benchmarks: writes bench/results/latest.json and latest.md.
bench: $(STAMP)
	@$(PY) -m bench

## Synthesize the CDK app into cdk.out/ (what `npx aws-cdk synth` does, without the CLI).
synth: $(STAMP)
	@$(PY) app.py

## Regenerate the Power BI Project files from powerbi/semantic_model.py and powerbi/report.py.
pbip: $(STAMP)
	@$(PY) -m powerbi

## Regenerate the warehouse SQL that repeats the model (snowflake_sql/migrations/R__10..R__40) from contracts/model.py.
warehouse-sql: $(STAMP)
	@$(PY) -m model_sql

lint: $(STAMP)
	@$(PY) -m ruff check .

## Dependency and template audit; needs the package index, so it is not part of `make test`.
audit: $(STAMP)
	@bash .ci/audit

## Reset the local emulators' state (.local/) and build output.
clean:
	rm -rf .local cdk.out bench/results/tmp
