# Huakai: `make demo` to try it, `make test` to check it.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HTMX_VERSION := 4.0.1

.PHONY: install demo serve migrate test lint unit-tests browser-tests messages compile-messages vendor-htmx bench clean

install: $(VENV)/.installed compile-messages

# Quiet: only errors reach the screen, so that the demo's URLs are what a new user sees.
PIP := $(BIN)/pip --disable-pip-version-check -qq

$(VENV)/.installed: pyproject.toml
	@echo "Installing Huakai into $(VENV) (a minute or two the first time)..."
	@$(PYTHON) -m venv $(VENV)
	@$(PIP) install --upgrade pip
	@$(PIP) install -e '.[dev]'
	@touch $@

# Test-only tools that must never ship: pabutools (GPL-3; its declared gurobipy dependency is
# proprietary and unused, hence --no-deps) cross-checks the vote counting; pabulib-checker
# validates the .pb open data.
$(VENV)/.test-tools: tests/requirements-pabutools.txt $(VENV)/.installed
	$(PIP) install $$(grep -v -e '^#' -e '^pabutools==' tests/requirements-pabutools.txt)
	$(PIP) install --no-deps $$(grep '^pabutools==' tests/requirements-pabutools.txt)
	touch $@

compile-messages: $(VENV)/.installed
	@$(BIN)/pybabel -q compile -d locales -D messages

demo: install
	@HUAKAI_DEMO=1 $(BIN)/huakai migrate
	@HUAKAI_DEMO=1 $(BIN)/huakai demo

migrate: install
	$(BIN)/huakai migrate

serve: install
	$(BIN)/huakai serve

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports --no-cache
	$(BIN)/python -m web.core.catalogs check

# Each tier's tmp_path directories go under the checkout (emptied at the next run), not the
# system's temp dir: a run leaves nothing there (tests/conftest.py checks it).
unit-tests: install $(VENV)/.test-tools
	mkdir -p .pytest-tmp
	$(BIN)/pytest -q -n 2 --basetemp=.pytest-tmp/unit tests/unit tests/services tests/web

# Playwright's sync API leaves an event loop behind: the browser tier runs in its own process.
browser-tests: install
	mkdir -p .pytest-tmp
	$(BIN)/pytest -q -n 2 --basetemp=.pytest-tmp/browser tests/browser

test: lint unit-tests browser-tests

# Re-extract strings after changing templates or messages; then translate locales/zh_Hans.
messages: install
	$(BIN)/pybabel extract -F babel.cfg -k _ -k gettext -k ngettext:1,2 -k N_ \
	  --no-location --omit-header -o locales/messages.pot .
	$(BIN)/pybabel update -i locales/messages.pot -d locales -D messages --no-fuzzy-matching
	$(BIN)/python -m web.core.catalogs fill-en

vendor-htmx:
	cd /tmp && npm pack htmx.org@$(HTMX_VERSION) >/dev/null && tar xzf htmx.org-$(HTMX_VERSION).tgz
	cp /tmp/package/dist/htmx.min.js static/htmx-$(HTMX_VERSION).min.js
	sha256sum static/htmx-$(HTMX_VERSION).min.js

clean:
	rm -rf var .pytest_cache .pytest-tmp .mypy_cache .ruff_cache
