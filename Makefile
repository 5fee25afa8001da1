# Newsflash: `make run` shows the pipeline working, `make test` passes the tests. `make help` lists all.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
ARTICLES ?=
KAFKA_BOOTSTRAP ?=
PROMETHEUS ?=
BENCH_N ?= 500
PYTEST_ARGS ?=
export KAFKA_BOOTSTRAP

.DEFAULT_GOAL := help

help: ## List the targets
	@grep -hE '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-13s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml constraints.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c constraints.txt -e ".[dev]"
	@touch $(STAMP)

install: $(STAMP) ## Create .venv and install everything, pinned by constraints.txt

run: $(STAMP) ## Start the broker and every stage, publish the samples (+ ARTICLES=...), show the outputs
	$(BIN)/newsflash run $(ARTICLES) $(if $(PROMETHEUS),--prometheus,)

prometheus: ## Install Prometheus and promtool from Debian's packages when missing
	@command -v prometheus >/dev/null && command -v promtool >/dev/null || { \
	  echo "installing prometheus from Debian's packages"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq prometheus >/dev/null; }

test: $(STAMP) prometheus ## Install and run the whole test suite (unit + integration)
	@$(BIN)/python -m pytest $(PYTEST_ARGS); code=$$?; \
	if [ $$code -eq 5 ]; then echo "pytest ran no test: an empty suite is not a pass" >&2; exit 1; fi; exit $$code

unit: $(STAMP) ## Unit tests only (fast, no broker)
	$(BIN)/python -m pytest tests/unit $(PYTEST_ARGS)

eval: $(STAMP) ## Accuracy on ../shared/eval: entities, time expressions, quotes, events
	$(BIN)/python -m evaluation.run_all

bench: $(STAMP) ## The pipeline against bare nlp.pipe on BENCH_N BBC articles (bench/results/)
	BENCH_N=$(BENCH_N) $(BIN)/python -m bench.pipeline

bench-nlp: $(STAMP) ## Parse once: nlp.pipe vs extract, message size and decode time (200 articles)
	$(BIN)/python -m bench.nlp

schemas: $(STAMP) ## Regenerate shared/schemas/json from the models
	$(BIN)/python -m shared.schemas.export

dashboards: $(STAMP) ## Regenerate the Grafana dashboards' JSON from deploy/grafana/dashboards.py
	$(BIN)/python -m deploy.grafana.dashboards

lint: $(STAMP) ## Check style (ruff)
	$(BIN)/ruff check shared services tests evaluation bench deploy

format: $(STAMP) ## Fix style (ruff)
	$(BIN)/ruff check --fix shared services tests evaluation bench deploy

up: ## Full stack with Docker: Apache Kafka (KRaft), every stage, Prometheus, Grafana
	docker compose up -d --build

down: ## Stop the Docker stack
	docker compose down -v

clean: ## Remove the virtual environment and run state
	rm -rf $(VENV) .run

.PHONY: help install run prometheus test unit eval bench bench-nlp schemas dashboards lint format up down clean
