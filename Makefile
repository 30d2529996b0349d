# IndigoMed: `make run` starts the demo, `make test` runs every test. Both set themselves up.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell cksum pyproject.toml | cut -d' ' -f1)

.PHONY: run test test-fast lint browser bench clean messages

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet -e '.[dev]'
	rm -f $(VENV)/.installed-*
	touch $@

## The platform on the embedded database with demo data; prints the URL and demo sign-ins.
## `make run PORT=8001` serves on another port; a port already taken is said before anything is seeded.
PORT ?= 8000
run: $(STAMP)
	$(PY) -m indigomed demo 127.0.0.1:$(PORT)

## The whole test suite (SQLite by default; set DATABASE_URL to run it on PostgreSQL).
test: $(STAMP) browser
	$(PY) -m pytest

test-fast: $(STAMP)
	$(PY) -m pytest -m "not browser"

lint: $(STAMP)
	$(VENV)/bin/ruff check src tests bench
	$(VENV)/bin/ruff format --check src tests bench
	$(VENV)/bin/mypy
	$(VENV)/bin/lint-imports
	$(VENV)/bin/bandit -q -r src -c pyproject.toml --severity-level medium
	$(PY) -m indigomed makemigrations --check --dry-run

## Browser tests drive Debian's Chromium; install it once if it is missing.
browser:
	@test -x /usr/bin/chromium || { apt-get update -qq && apt-get install -y -qq chromium >/dev/null; }

bench: $(STAMP)
	$(VENV)/bin/pip install --quiet -e '.[dev,bench]'
	$(PY) bench/run_all.py

clean:
	rm -rf $(VENV) var test-output

## Mutation testing of the trust core: slow (see docs/mutation.md), so not part of CI. PostgreSQL
## too when MUTATE_DATABASE_URL reaches a server, for the branches only PostgreSQL runs.
.PHONY: mutate
MUTATE_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/mutate
mutate: $(STAMP)
	INDIGOMED_VAR_DIR=$${INDIGOMED_VAR_DIR:-$(CURDIR)/var/mutate} MUTATE_DATABASE_URL=$(MUTATE_DATABASE_URL) \
		nice -n 10 $(PY) tools/mutate.py all

## The French catalogue: collect every marked string from the code and templates, then compile.
## Translate the new empty `msgstr` entries in src/indigomed/locale/fr/LC_MESSAGES/django.po.
messages: $(STAMP)
	cd src/indigomed && ../../$(PY) -m indigomed makemessages --locale fr --no-obsolete --no-location \
		--ignore 'static/*' && ../../$(PY) -m indigomed compilemessages --locale fr
