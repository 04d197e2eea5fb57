# The two commands of the README: `make run` and `make test`. Both build .venv on first use,
# from the exact versions of requirements.lock (`make lock` regenerates it from pyproject.toml).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
LOCK := requirements.lock
DEMO := demo-workspace
HOST ?= 127.0.0.1
PORT ?= 8080

.PHONY: run test demo schema docs clean lock

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: $(BIN)/python pyproject.toml $(LOCK)
	$(BIN)/pip install --quiet -r $(LOCK)
	$(BIN)/pip install --quiet --no-deps -e .
	touch $@

# Pins every dependency and the test extra, with hashes, for Python 3.11 (the floor).
lock: $(BIN)/python
	$(BIN)/pip install --quiet 'uv>=0.5'
	$(BIN)/uv pip compile pyproject.toml --extra test --python-version 3.11 --generate-hashes \
		--quiet --output-file $(LOCK)

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
