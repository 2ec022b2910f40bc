# 客服职业助手 — everything a newcomer needs is `make run` and `make test`.
SHELL := /bin/bash
.DEFAULT_GOAL := help
.DELETE_ON_ERROR:

export RASA_TELEMETRY_ENABLED := false
export TF_CPP_MIN_LOG_LEVEL := 2
export PYTHONDONTWRITEBYTECODE := 1
export SQLALCHEMY_SILENCE_UBER_WARNING := 1
export PYTHONWARNINGS := ignore::DeprecationWarning

# Python comes from pyenv, at the version .python-version names; never plain python3.
PY_VERSION := $(shell cat .python-version)
PYENV_ROOT ?= $(shell pyenv root 2>/dev/null || echo $(HOME)/.pyenv)
BASE_PYTHON := $(PYENV_ROOT)/versions/$(PY_VERSION)/bin/python
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell sha256sum requirements.lock | cut -c1-16)
NPM_STAMP := node_modules/.installed-$(shell sha256sum package-lock.json | cut -c1-16)

KB := build/knowledge.db
KB_INPUTS := bot/knowledge/sources $(wildcard bot/knowledge/sources/*) bot/knowledge/lexicon.yml \
	$(wildcard bot/knowledge/*.py bot/knowledge/extract/*.py bot/knowledge/readers/*.py)
MODEL := models/kefu.tar.gz
TRAIN_INPUTS := config.yml domain.yml $(wildcard bot/nlu/*.py) $(shell find data -type f -name '*.yml' 2>/dev/null)

.PHONY: help install browser services kb train run shell test test-scale lint format validate evaluate test-stories bench bench-ab bench-store bench-inference bench-kb bench-rest bench-channel bench-widget bench-admin insights audit barrage lock clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

install: $(STAMP) $(NPM_STAMP) ## create .venv and node_modules from their locks (skipped when done)

$(NPM_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

browser: ## Debian's chromium and CJK fonts for the browser tests (apt; needs root or sudo)
	@if command -v chromium >/dev/null && fc-list 2>/dev/null | grep -qi "Noto Sans CJK"; then :; else \
	  SUDO=$$([ "$$(id -u)" = 0 ] || echo sudo); \
	  $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq chromium fonts-noto-cjk; fi

# The scale-out test starts its own Redis, PostgreSQL and nginx on loopback; the packages'
# own services must not start on install (a temporary policy-rc.d answers "forbidden").
services: ## Debian's redis-server, postgresql and nginx for the scale-out test and the workers bench (apt)
	@if command -v redis-server >/dev/null && ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 \
	   && { command -v nginx || test -x /usr/sbin/nginx; } >/dev/null; then :; else \
	  SUDO=$$([ "$$(id -u)" = 0 ] || echo sudo); policy=/usr/sbin/policy-rc.d; own=; \
	  if [ ! -e $$policy ]; then printf '#!/bin/sh\nexit 101\n' | $$SUDO tee $$policy >/dev/null \
	    && $$SUDO chmod +x $$policy && own=1; fi; \
	  $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq --no-install-recommends \
	    redis-server postgresql nginx; status=$$?; \
	  if [ -n "$$own" ]; then $$SUDO rm -f $$policy; fi; exit $$status; fi

$(STAMP): requirements.lock
	@test -x "$(BASE_PYTHON)" || { \
	  echo "error: Python $(PY_VERSION) is required but $(BASE_PYTHON) does not exist."; \
	  echo "       Install it with: pyenv install $(PY_VERSION)"; exit 1; }
	@if [ -x $(BIN)/python ] && ! $(BIN)/python -c 'import sys; sys.exit(sys.version.split()[0] != "$(PY_VERSION)")'; then \
	  echo "recreating $(VENV): it is not Python $(PY_VERSION)"; rm -rf $(VENV); fi
	@test -x $(BIN)/python || $(BASE_PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --disable-pip-version-check -q -r requirements.lock
	@rm -f $(VENV)/.installed-* && touch $@

kb: $(KB) ## build the fact store and NLU artefacts from the sources

$(KB): $(STAMP) $(KB_INPUTS)
	$(BIN)/python -m bot.knowledge build
	@touch $@

train: $(MODEL) ## train the Rasa model when data, domain, config or the knowledge base changed

$(MODEL): $(KB) $(TRAIN_INPUTS)
	$(BIN)/rasa train --fixed-model-name kefu --out models
	@touch $@

# Scale-out: with REDIS_URL and DATABASE_URL both set, the Rasa server uses endpoints.scale.yml
# (Rasa's RedisLockStore and SQLTrackerStore on PostgreSQL) instead of the embedded SQLite store.
# WORKERS=N runs N Sanic workers in it; Rasa allows more than one only with the Redis lock store,
# so WORKERS=N with REDIS_URL alone uses endpoints.workers.yml (SQLite shared by the workers).
WORKERS ?= 1
RASA_ENDPOINTS ?= $(if $(and $(REDIS_URL),$(DATABASE_URL)),endpoints.scale.yml,$(if $(and $(REDIS_URL),$(filter-out 1,$(WORKERS))),endpoints.workers.yml,endpoints.yml))

run: $(MODEL) $(NPM_STAMP) ## install, build, train if needed, then start everything (WORKERS=N)
	@mkdir -p var
	@case "$(WORKERS)" in ''|*[!0-9]*|0) echo "error: WORKERS must be a positive number, not '$(WORKERS)'"; exit 2;; esac
	@if [ "$(WORKERS)" -gt 1 ] && [ "$(RASA_ENDPOINTS)" = endpoints.yml ]; then \
	  echo "error: WORKERS=$(WORKERS) needs REDIS_URL: Rasa runs more than one Sanic worker only"; \
	  echo "       with a Redis lock store (endpoints.workers.yml), else silently one."; exit 2; fi
	@if [ "$(RASA_ENDPOINTS)" = endpoints.yml ] && [ -n "$$REDIS_URL$$DATABASE_URL" ]; then \
	  echo "warning: scale-out needs both REDIS_URL and DATABASE_URL; using $(RASA_ENDPOINTS)"; fi
	@$(BIN)/python -m scripts.endpoints_env --check >/dev/null
	@echo "Conversations:  $(if $(filter endpoints.scale.yml,$(RASA_ENDPOINTS)),PostgreSQL (DATABASE_URL),SQLite var/tracker.db)$(if $(filter endpoints.yml,$(RASA_ENDPOINTS)),, + Redis lock store (REDIS_URL)); $(WORKERS) Sanic worker(s)  [$(RASA_ENDPOINTS)]"
	@echo "Rasa server:    http://localhost:5005  (REST: POST /webhooks/rest/webhook)"
	@echo "Action server:  http://127.0.0.1:5055"
	@echo "Web page:       http://localhost:8080  (the demo careers page with the widget; Ctrl-C stops all)"
	RASA_ENDPOINTS=$(RASA_ENDPOINTS) RASA_WORKERS=$(WORKERS) $(BIN)/honcho start -f Procfile

shell: $(MODEL) ## start the action server and talk to the bot with rasa shell
	@mkdir -p var
	@SANIC_HOST=127.0.0.1 $(BIN)/rasa run actions --actions actions --port 5055 > var/actions.log 2>&1 & \
	  pid=$$!; trap 'kill $$pid' EXIT; \
	  $(BIN)/rasa shell --model $(MODEL) --endpoints endpoints.yml

lint: $(STAMP) ## ruff lint and format check
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP) ## apply ruff's formatting and safe fixes
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

validate: $(KB) ## rasa data validate
	$(BIN)/rasa data validate --fail-on-warnings

evaluate: $(MODEL) ## held-out NLU scores and confusions; fails below the targets
	$(BIN)/rasa test nlu --nlu tests/nlu_holdout.yml --model $(MODEL) --out results/holdout --no-plot
	$(BIN)/python -m scripts.nlu_scores results/holdout --min-intent-f1 0.95 --min-entity-f1 0.95

test-stories: $(MODEL) ## end-to-end test conversations, failing on any wrong prediction
	$(BIN)/rasa test core --stories tests/test_stories.yml --model $(MODEL) \
	  --e2e --fail-on-prediction-errors --out results/stories --no-plot

test: lint validate $(MODEL) $(NPM_STAMP) browser services ## everything CI runs: lint, data validation, pytest, NLU and story tests
	$(BIN)/pytest
	$(MAKE) --no-print-directory evaluate
	$(MAKE) --no-print-directory test-stories
	$(MAKE) --no-print-directory bench QUICK=1
	$(MAKE) --no-print-directory audit
	$(MAKE) --no-print-directory test-scale

test-scale: $(MODEL) services ## 2 Rasa servers on real Redis, PostgreSQL and nginx: context, events, a killed one
	$(BIN)/python -m scripts.scale_test

bench: $(MODEL) services ## measure the real stack into benchmarks/RESULTS.md (QUICK=1: harness check only)
	$(BIN)/python -m benchmarks.run $(if $(QUICK),--quick)

bench-ab: $(MODEL) ## the Rasa server before (BEFORE=REV [BEFORE_MODEL=F]) and after, alternated ROUNDS times (default 6)
	@test -n "$(BEFORE)" || { echo "error: name the commit to compare with: make bench-ab BEFORE=REV"; exit 2; }
	$(BIN)/python -m benchmarks.ab --before $(BEFORE) $(if $(ROUNDS),--rounds $(ROUNDS)) \
	  $(if $(BEFORE_MODEL),--before-model $(BEFORE_MODEL))

bench-store: $(STAMP) ## the conversation store's CPU per turn: Rasa's, with bot.server's fixes, cached
	$(BIN)/python -m benchmarks.store_bench

bench-inference: $(MODEL) ## CPU per NLU parse, Rasa's code against bot.inference's, alternated
	$(BIN)/python -m benchmarks.inference_bench

bench-kb: $(KB) ## time the knowledge-base build and typical queries
	$(BIN)/python -m benchmarks.kb_bench

bench-rest: $(MODEL) ## one user's REST reply latency over a multi-turn conversation
	$(BIN)/python -m benchmarks.rest_latency

bench-channel: $(STAMP) ## the WeChat channel's added latency over a bare HTTP route
	$(BIN)/python -m benchmarks.channel_latency

bench-widget: $(MODEL) $(NPM_STAMP) browser ## the widget's gzip size, time to ready and to answer
	$(BIN)/python -m benchmarks.widget_bench

AUDIT_STAMP := .venv-audit/.installed-$(shell sha256sum requirements-audit.lock | cut -c1-16)

$(AUDIT_STAMP): requirements-audit.lock
	@test -x .venv-audit/bin/python || $(BASE_PYTHON) -m venv .venv-audit
	.venv-audit/bin/python -m pip install --disable-pip-version-check -q -r requirements-audit.lock
	@rm -f .venv-audit/.installed-* && touch $@

audit: $(STAMP) $(AUDIT_STAMP) ## pip-audit of the pinned runtime; fails on findings not in audit-accepted.txt
	$(BIN)/python -m scripts.audit

barrage: $(MODEL) ## 30 s of bad input mixed with real conversations, then a one-sender flood (figures)
	$(BIN)/python -m scripts.barrage

bench-admin: $(NPM_STAMP) ## the HR console's /admin response time on 100k generated events
	$(BIN)/python -m benchmarks.admin_bench

insights: $(STAMP) ## unanswered-question groups -> build/review/unanswered-YYYYMMDD.yml, to review by hand
	$(BIN)/python -m bot.insights export-nlu

lock: ## re-pin requirements.lock from requirements.in in a scratch venv
	rm -rf build/lock-venv && $(BASE_PYTHON) -m venv build/lock-venv
	build/lock-venv/bin/pip install -q -r requirements.in
	{ echo "# Generated by \`make lock\` from requirements.in on Python $(PY_VERSION). Do not edit by hand."; \
	  build/lock-venv/bin/pip freeze; } > requirements.lock
	rm -rf build/lock-venv

clean: ## remove generated files (keeps .venv)
	rm -rf build models var results .pytest_cache .ruff_cache data/nlu/lexicon.generated.yml
