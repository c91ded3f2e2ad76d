# kommunmal: `make serve` builds and serves the embedded data at http://127.0.0.1:8000/, `make test` runs the tests.
# Both set up what they need first (a virtual environment in .venv; Chromium for the browser tests).

PYTHON ?= python3
VENV   ?= .venv
BIN     = $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 8000
OUT    ?= build

.PHONY: help install build serve test lint format validate bench clean browser dictionaries

help: ## this list
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

$(BIN)/kommunmal: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[test]"
	@touch $@

install: $(BIN)/kommunmal ## create .venv and install kommunmal with its test tools

validate: install ## validate the data against the SHACL shapes
	$(BIN)/kommunmal validate

build: install ## validate and write a release to $(OUT)/
	$(BIN)/kommunmal build --out $(OUT)

serve: build ## build, then serve at http://$(HOST):$(PORT)/
	KOMMUNMAL_RELEASE_DIR=$(OUT) $(BIN)/kommunmal serve --host $(HOST) --port $(PORT)

browser: ## install Debian's Chromium for the browser tests (needs root), unless present
	@command -v chromium >/dev/null 2>&1 || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium fonts-dejavu-core; }

dictionaries: ## install Debian's FreeDict Swedish-English dictionaries for ingest (needs root), unless present
	@[ -f /usr/share/dictd/freedict-swe-eng.index ] && [ -f /usr/share/dictd/freedict-eng-swe.index ] || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq \
	    dict-freedict-swe-eng dict-freedict-eng-swe; }

test: install browser dictionaries ## lint, then run the whole test suite
	$(BIN)/ruff check src tests scripts
	$(BIN)/ruff format --check src tests scripts
	$(BIN)/pytest

lint: install ## ruff lint and format check
	$(BIN)/ruff check src tests scripts
	$(BIN)/ruff format --check src tests scripts

format: install ## apply ruff fixes and formatting
	$(BIN)/ruff check --fix src tests scripts
	$(BIN)/ruff format src tests scripts

bench: install ## SPARQL benchmark against the peers (installs them and wrk)
	$(BIN)/pip install --quiet -e ".[bench]"
	@command -v wrk >/dev/null 2>&1 || { SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq wrk; }
	$(BIN)/python scripts/bench_sparql.py

clean: ## remove releases and caches (keeps .venv)
	rm -rf $(OUT) test-artifacts .pytest_cache .ruff_cache

.PHONY: editor bench-search
editor: ## rebuild the query page's editor bundle (CodeMirror 6, npm + esbuild) into src/kommunmal/web/static/
	cd frontend && npm ci --no-audit --no-fund && npm run build

bench-search: install ## search benchmark: index vs a SPARQL scan, /search.json p50/p99 on a real server
	$(BIN)/python scripts/bench_search.py
