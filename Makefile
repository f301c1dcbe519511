# Pathfinder: `make run` serves the site, `make test` runs every test. Both install what is missing.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 5000
HOST ?= 127.0.0.1
USWDS := app/static/vendor/uswds
# The suite runs on every core (pytest-xdist; a test file stays on one worker, so its
# module fixtures are built once); `make test PYTEST_ARGS=` runs it in one process.
PYTEST_ARGS ?= -n auto --dist loadfile

# `make run DATABASE_URL=...` overrides the embedded SQLite default.
ifdef DATABASE_URL
export DATABASE_URL
endif

.PHONY: run test install dev-install assets browser lint format lock clean

run: install assets
	$(BIN)/pathfinder db upgrade
	$(BIN)/pathfinder catalog load
	$(BIN)/pathfinder samples load
	$(BIN)/pathfinder serve --host $(HOST) --port $(PORT)

test: dev-install assets
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/pytest $(PYTEST_ARGS)

install: $(VENV)/.installed
dev-install: $(VENV)/.dev-installed
assets: $(USWDS)/.installed

$(BIN)/python:
	$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11) and "Python 3.11 or newer is required")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

$(VENV)/.installed: pyproject.toml constraints.txt | $(BIN)/python
	$(BIN)/pip install -q -c constraints.txt -e .
	touch $@

$(VENV)/.dev-installed: pyproject.toml constraints.txt | $(BIN)/python
	$(BIN)/pip install -q -c constraints.txt -e '.[dev]'
	touch $@ $(VENV)/.installed

# USWDS comes from npm (package-lock.json pins it) and is copied into an ignored static folder.
$(USWDS)/.installed: package.json package-lock.json
	@command -v npm >/dev/null || { echo "Node.js 18+ with npm is required (https://nodejs.org)"; exit 1; }
	npm ci --no-audit --no-fund --loglevel=error
	rm -rf $(USWDS) && mkdir -p $(dir $(USWDS))
	cp -R node_modules/@uswds/uswds/dist $(USWDS)
	touch $@

# Browser tests drive Debian's Chromium (Playwright's own browser download is not used).
browser:
	@command -v chromium >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; }

lint:
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

format:
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Refresh the constraints file after changing dependencies in pyproject.toml.
lock: | $(BIN)/python
	rm -rf .lock-venv && $(PYTHON) -m venv .lock-venv
	.lock-venv/bin/pip install -q -e '.[dev]'
	{ echo '# Pinned versions of every Python dependency (runtime and dev); `make lock` regenerates it.'; \
	  .lock-venv/bin/pip freeze --exclude-editable | grep -v '^-e '; } > constraints.txt
	rm -rf .lock-venv

clean:
	rm -rf $(VENV) node_modules $(USWDS) .pytest_cache .ruff_cache
