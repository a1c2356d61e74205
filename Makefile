# Two commands do all the set-up: `make run` and `make test` (README). Everything else is optional.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
# The venv is rebuilt when the locked requirements or the project's own packaging change.
STAMP := $(VENV)/.installed-$(shell cat requirements.lock pyproject.toml | cksum | cut -d' ' -f1)
DAYS ?= 1
# The deployed environment of synth/diff/deploy/destroy and the ops shortcuts ([env.<name>] of config/pipeline.toml).
ENV ?= dev
# cdk.json's `python app.py` needs an activated venv; `make` names the venv's interpreter instead.
CDK := npx --yes aws-cdk@2 --app "$(PY) app.py"
FROM ?=
TO ?=
PYTEST_ARGS ?=
# Two pytest workers: the end-to-end runs wait on emulators and Spark as much as they compute (tests/conftest.py
# keeps the tests that share a session fixture on one worker).
TEST_WORKERS ?= 2

# aws-cdk-lib prints a Node end-of-life banner on every import under Node 20.
export JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION := 20

.PHONY: help lock run import-history history-export test test-fast test-stress bench bench-large audit synth diff deploy destroy preflight status replay backfill cost pbip warehouse-sql lint clean prereqs

## What each target does (the default).
help:
	@awk '/^## /{doc=substr($$0, 4); next} /^[a-z-]+:/{if (doc) printf "  make %-12s %s\n", substr($$1, 1, length($$1)-1), doc; doc=""}' $(MAKEFILE_LIST)

## Check the prerequisites (Python, Java, Node.js).
prereqs:
	@bash local/check_prereqs.sh $(PYTHON)

$(STAMP):
	@bash local/check_prereqs.sh $(PYTHON)
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@echo "installing the locked requirements into $(VENV) (first time only, a few minutes)..."
	@$(PY) -m pip install -q --disable-pip-version-check --require-hashes -r requirements.lock
	@$(PY) -m pip install -q --disable-pip-version-check --no-deps --no-build-isolation -e .
	@rm -f $(VENV)/.installed-*
	@touch $(STAMP)

## One daily run of the whole pipeline on local emulators (DAYS=7 runs a week of consecutive days).
run: $(STAMP)
	@$(PY) -m local.run --days $(DAYS)

## Import a listener's Spotify history export on the local emulators: make import-history FILE=my_spotify_data.zip
FILE ?=
import-history: $(STAMP)
	@test -n "$(FILE)" || { echo "error: name the export: make import-history FILE=path/to/my_spotify_data.zip"; exit 2; }
	@$(PY) -m local.import_history "$(FILE)"

## Write the fake listener's 5-year history export (.local/my_spotify_data.zip) to try `make import-history` with.
history-export: $(STAMP)
	@$(PY) -m local.fake_spotify.history_export --years 5 --out .local/my_spotify_data.zip

## The test suite (no cloud account needed).
test: $(STAMP)
	@$(PY) -m pytest -q -n $(TEST_WORKERS) $(PYTEST_ARGS)

## The tests without the slow end-to-end runs.
test-fast: $(STAMP)
	@$(PY) -m pytest -q -n $(TEST_WORKERS) -m "not slow" $(PYTEST_ARGS)

## The slow end-to-end modules 10 times in a row, in shuffled orders, with every core kept busy (RUNS=, STRESS_ARGS=).
RUNS ?= 10
test-stress: $(STAMP)
	@$(PY) tests/stress.py --runs $(RUNS) $(STRESS_ARGS)

## Benchmarks: writes bench/results/latest.json and latest.md.
bench: $(STAMP)
	@$(PY) -m bench

## The transform at 1,000,000 playlist items (about 290 MB of gzip pages; tens of minutes): bench/results/large.md.
bench-large: $(STAMP)
	@$(PY) -m bench --only transform --sizes 1000000 --results large

## Synthesize ENV's stacks into cdk.out/ (what `npx aws-cdk synth` does, without the CLI or AWS credentials).
synth: $(STAMP)
	@CDK_CONTEXT_JSON='{"env":"$(ENV)"}' $(PY) app.py

## What a deploy of ENV would change (needs AWS credentials; Snowflake's wiring comes from the config).
diff: $(STAMP)
	@$(CDK) diff --all -c env=$(ENV)

## Deploy every stack of ENV (README runbook); a routine redeploy keeps the environment's configured wiring.
deploy: $(STAMP)
	@$(PY) -m ops preflight --env $(ENV)
	@$(CDK) deploy --all -c env=$(ENV) --require-approval broadening

## Remove ENV's stacks; buckets, keys and the secrets stay (README, Tearing down).
destroy: $(STAMP)
	@$(CDK) destroy --all -c env=$(ENV)

## Operating ENV (README, Operating): the last runs, re-running days, loading files the pipes missed, the cost.
preflight: $(STAMP)
	@$(PY) -m ops preflight --env $(ENV)
status: $(STAMP)
	@$(PY) -m ops status --env $(ENV)
replay: $(STAMP)
	@test -n "$(FROM)" -a -n "$(TO)" || { echo "error: give the days: make replay ENV=$(ENV) FROM=YYYY-MM-DD TO=YYYY-MM-DD" >&2; exit 2; }
	@$(PY) -m ops replay --env $(ENV) --from $(FROM) --to $(TO)
backfill: $(STAMP)
	@$(PY) -m ops backfill --env $(ENV) $(if $(FROM),--from $(FROM)) $(if $(TO),--to $(TO))
cost: synth
	@$(PY) -m ops cost --env $(ENV)

## Regenerate the Power BI Project files from powerbi/semantic_model.py and powerbi/report.py.
pbip: $(STAMP)
	@$(PY) -m powerbi

## Regenerate the warehouse SQL that repeats the model (snowflake_sql/migrations/R__10..R__40) from contracts/model.py.
warehouse-sql: $(STAMP)
	@$(PY) -m model_sql

## Re-resolve requirements.lock (every version, with hashes) after editing a requirements file; needs PyPI.
lock:
	@test -x .venv-lock/bin/pip-compile || { $(PYTHON) -m venv .venv-lock && .venv-lock/bin/pip install -q pip-tools; }
	@CUSTOM_COMPILE_COMMAND="make lock" .venv-lock/bin/pip-compile --quiet --generate-hashes --allow-unsafe \
		--strip-extras --no-emit-index-url --no-emit-find-links --output-file requirements.lock requirements-dev.txt

## Lint, format and type checks (ruff, mypy on the production packages), as CI runs them.
lint: $(STAMP)
	@$(PY) -m ruff check .
	@$(PY) -m ruff format --check .
	@$(PY) -m mypy

## Dependency and template audit; needs the package index, so it is not part of `make test`.
audit: $(STAMP)
	@bash .ci/audit

## Reset the local emulators' state (.local/) and build output.
clean:
	rm -rf .local cdk.out bench/results/tmp
