# Set-up and everyday commands. `make build` and `make test` work on a fresh clone.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

NODE_STAMP := node_modules/.installed

.PHONY: build test serve lint check clean fixtures screenshots

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

# The site checks' tools (Nu validator, axe-core), from package-lock.json; --ignore-scripts: Java comes from Debian.
$(NODE_STAMP): package.json package-lock.json
	npm ci --ignore-scripts --no-audit --no-fund --silent
	touch $(NODE_STAMP)

build: $(STAMP)  ## ingest seeds/ into content/, then write output/
	$(BIN)/builder build

serve: $(STAMP)  ## preview at http://127.0.0.1:8000/ with live reload
	$(BIN)/builder serve

lint: $(STAMP)
	$(BIN)/ruff check builder tests bench
	$(BIN)/mypy

test: lint $(NODE_STAMP)  ## ruff, mypy, then the whole test suite (HTML validator and axe-core included)
	$(BIN)/pytest -q

screenshots: $(STAMP)  ## docs/*.png: home and person pages in headless Chromium at 1280 and 390 px
	$(BIN)/python tests/take_screenshots.py

fixtures: $(STAMP)  ## refresh the expected output tree of the fixture site after a deliberate change
	$(BIN)/python tests/refresh_fixture.py

clean:
	rm -rf output .output-* $(VENV) *.egg-info node_modules
