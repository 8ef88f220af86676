# The two commands of the README. Both create .venv themselves on a fresh machine.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 5000
DEMO_CASES ?= 40

.PHONY: install run test lint bench clean

$(STAMP): pyproject.toml package.json package-lock.json
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	npm ci --no-audit --no-fund --loglevel=error
	touch $(STAMP)

install: $(STAMP)

# Database, definitions, demo users, timer worker and web server on http://$(HOST):$(PORT)
run: install
	$(BIN)/raflow init-db
	for d in processes/*/; do if [ -f "$$d/jurisdiction.toml" ]; then $(BIN)/raflow deploy "$$d" || exit 1; fi; done
	$(BIN)/raflow demo --cases $(DEMO_CASES) --if-empty
	trap 'kill 0' EXIT INT TERM; $(BIN)/raflow worker & $(BIN)/raflow serve --host $(HOST) --port $(PORT)

test: install
	$(BIN)/ruff check .
	$(BIN)/pytest

lint: install
	$(BIN)/raflow lint processes/*/
	npx bpmnlint processes/*/*.bpmn

bench: install
	$(BIN)/python bench/engine.py
	$(BIN)/python bench/http.py
	$(BIN)/python bench/reports.py

clean:
	rm -rf $(VENV) node_modules instance
