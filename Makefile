# Set-up and everyday commands. `make build` and `make test` work on a fresh clone.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: build test serve lint check clean fixtures

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

build: $(STAMP)  ## ingest seeds/ into content/, then write output/
	$(BIN)/builder build

serve: $(STAMP)  ## preview at http://127.0.0.1:8000/ with live reload
	$(BIN)/builder serve

lint: $(STAMP)
	$(BIN)/ruff check builder tests bench
	$(BIN)/mypy

test: lint  ## ruff, mypy, then the whole test suite
	$(BIN)/pytest -q

fixtures: $(STAMP)  ## refresh the expected output tree of the fixture site after a deliberate change
	$(BIN)/python tests/refresh_fixture.py

clean:
	rm -rf output .output-* $(VENV) *.egg-info
