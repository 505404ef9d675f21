# Two commands on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
STAMP := $(VENV)/.installed
# DEBUG is off unless set: the laptop commands below turn it on (development keys, SQLite).
DEV := DEBUG=1

.PHONY: run test install check lint messages compilemessages migrate seed clean css npm

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

migrate: install
	$(DEV) $(BIN)/python manage.py migrate --noinput -v0

seed: migrate
	$(DEV) $(BIN)/python manage.py seed_demo

# The web server and a job worker beside it; the worker stops with the server (Ctrl-C).
run: seed
	$(DEV) $(BIN)/python manage.py jobs_worker & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker' EXIT INT TERM; \
	$(DEV) $(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

# Quality gates that need no services: migrations in step with models, lint, deploy checks.
check: install
	$(DEV) $(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/ruff check .
	DEBUG=0 SECRET_KEY=ci-check-$$(date +%s)-a-long-random-enough-secret-key-value ALLOWED_HOSTS=portal.example PERSONAL_DATA_KEY=ci-check-personal-data-key-of-at-least-32-bytes \
	  $(BIN)/python manage.py check --deploy --fail-level WARNING

test: check
	$(BIN)/pytest

# Regenerate the catalogues after changing strings (needs gettext: apt-get install gettext).
messages: install
	$(DEV) $(BIN)/python manage.py makemessages -l zh_Hans --ignore=.venv --ignore=node_modules --ignore=static/vendor --no-obsolete
	$(DEV) $(BIN)/python manage.py compilemessages -l zh_Hans --ignore=.venv

# The build and check tools from npm, pinned in package.json and package-lock.json (node_modules/).
npm:
	npm ci --no-audit --no-fund --loglevel=error

# Rewrite static/vendor/bootstrap/bootstrap.trimmed.min.css (committed): Bootstrap without the
# rules no template, form or script uses. Run after adding Bootstrap classes to a template;
# tests/test_css_trim.py fails until then.
css: install npm
	PYTHON=$(BIN)/python node tools/trim_css.mjs

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles
