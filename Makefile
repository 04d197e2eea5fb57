# The two commands of the README: `make run` and `make test`. Both build .venv on first use.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
DEMO := demo-workspace
HOST ?= 127.0.0.1
PORT ?= 8080

.PHONY: run test demo schema docs clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: $(BIN)/python pyproject.toml
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

demo: $(VENV)/.installed
	$(BIN)/pixano-graph demo $(DEMO)

run: demo
	$(BIN)/pixano-graph serve $(DEMO) --host $(HOST) --port $(PORT)

test: $(VENV)/.installed
	$(BIN)/ruff check .
	$(BIN)/mypy graph resolvers store
	sh tests/browser/ensure_chromium.sh
	$(BIN)/python -m pytest -q -p no:cacheprovider -n auto

clean:
	rm -rf $(VENV) $(DEMO)

schema: $(VENV)/.installed
	$(BIN)/strawberry export-schema graph.schema:schema --output schema.graphql

docs: $(VENV)/.installed
	$(BIN)/python -m graph.rest.docs docs/rest.md
