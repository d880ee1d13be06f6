# Two commands for a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEMO_DIR ?= demo-output

.PHONY: demo test install lint typecheck bench docs clean tools messages

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/python -m dalil.demo $(DEMO_DIR)

lint: $(STAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench

typecheck: $(STAMP)
	$(BIN)/mypy

# exiftool judges public releases in the tests (Debian's libimage-exiftool-perl); Debian's
# Chromium runs the web app's browser tests (Playwright drives /usr/bin/chromium: its own
# browser download is never used).
tools:
	command -v exiftool || apt-get install -y libimage-exiftool-perl
	test -x /usr/bin/chromium || (apt-get update -qq && apt-get install -y chromium)

test: $(STAMP) tools lint typecheck
	$(BIN)/pytest -q

docs: $(STAMP)
	$(BIN)/python -m dalil.cli.reference > docs/cli.md

# The web app's messages: extract what the templates say, merge into the Arabic catalogue
# (translate what is new in messages.po), compile the .mo kept beside it.
WEB := src/dalil/web
messages: $(STAMP)
	cd $(WEB) && ../../../$(BIN)/pybabel extract -F locale/babel.cfg --no-location --omit-header -o locale/messages.pot .
	$(BIN)/pybabel update -i $(WEB)/locale/messages.pot -d $(WEB)/locale -l ar --ignore-obsolete --width 100
	$(BIN)/pybabel compile -d $(WEB)/locale -l ar --statistics
	rm $(WEB)/locale/messages.pot

bench: $(STAMP)
	$(BIN)/python bench/ingest.py

clean:
	rm -rf $(VENV) $(DEMO_DIR) .pytest_cache .mypy_cache .ruff_cache
