# CFDI Desk — `make run` serves the demo, `make test` runs the whole suite.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
LOCALE := src/cfdidesk/locale

.PHONY: run test check install messages lint bench clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP) messages

# Compile the English and Italian catalogs and the Mexican dates (Babel: no system gettext needed).
messages: $(STAMP)
	$(BIN)/pybabel compile --use-fuzzy -d $(LOCALE) -D django -l en
	$(BIN)/pybabel compile --use-fuzzy -d $(LOCALE) -D django -l it
	$(BIN)/pybabel compile --use-fuzzy -d $(LOCALE) -D django -l es_MX

run: install
	mkdir -p var
	DEBUG=1 $(BIN)/cfdidesk migrate --noinput
	DEBUG=1 $(BIN)/cfdidesk load-demo
	DEBUG=1 $(BIN)/cfdidesk serve 127.0.0.1:8000

test: install
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: check

# The house rules CI enforces (docs/architecture.md): formatting, lint and complexity, the import
# contracts (layers, no cycles), and types on the service and selector layers.
check: install
	$(BIN)/ruff format --check src tests bench
	$(BIN)/ruff check src tests bench
	$(BIN)/lint-imports
	$(BIN)/mypy

bench: install
	$(BIN)/python bench/run_all.py

clean:
	rm -rf $(VENV) var build *.egg-info
