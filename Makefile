# The two commands of the README. Both create .venv themselves on a fresh machine.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 5000
# bench/scale.py's sizes: --quick (1k and 10k) by default; `make bench SCALE=` builds 1k, 10k and 100k
SCALE ?= --quick
DEMO_CASES ?= 40

.PHONY: install run test lint bench clean

$(STAMP): pyproject.toml package.json package-lock.json api/studio_assets/modeler.js api/studio_assets/modeler.css \
  api/studio_assets/raflow-properties.js api/studio_assets/spiffworkflow-moddle.json
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	# byte-compile our own modules as pip does an installed package's: an editable install does not, and
	# where PYTHONDONTWRITEBYTECODE is set every command would compile them again (CLI start-up, issue 9)
	$(BIN)/python -m compileall -q engine api forms tools > /dev/null
	npm ci --no-audit --no-fund --loglevel=error
	# the studio's modeler (bpmn-js + properties panel + differ), served from our host
	node_modules/.bin/esbuild api/studio_assets/modeler.js api/studio_assets/modeler.css --bundle --minify \
	  --outdir=api/static/studio --loader:.woff=dataurl --loader:.woff2=dataurl --loader:.ttf=dataurl \
	  --loader:.eot=dataurl --loader:.svg=dataurl --log-level=warning
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
	$(BIN)/python bench/scale.py $(SCALE)
	$(BIN)/python bench/reports.py

clean:
	rm -rf $(VENV) node_modules instance
