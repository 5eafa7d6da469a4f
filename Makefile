# Passeport — every set-up step lives here, so that `make run` and `make test` are the whole
# set-up on a fresh machine that has Python 3.11.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
# The venv is (re)installed when the lock file changes.
STAMP := $(VENV)/.installed-$(shell sha256sum requirements.lock 2>/dev/null | cut -c1-16)
DEMO_HOLDERS ?= 2000
DEMO_SEED ?= 1
HOST ?= 127.0.0.1
PORT ?= 8000
# Tests run in parallel (pytest-xdist), one worker per core.
TEST_WORKERS ?= auto
PYTEST_ARGS ?=

.PHONY: run test quality bench venv lock migrate demo clean-db format browser

venv: $(STAMP)

$(STAMP): requirements.lock
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@echo "Installation des dépendances (requirements.lock, empreintes vérifiées)…"
	@$(BIN)/python -m pip install --quiet --disable-pip-version-check --require-hashes --no-deps -r requirements.lock
	@rm -f $(VENV)/.installed-*
	@touch $@

migrate: venv
	@$(BIN)/python manage.py migrate --noinput -v 0

demo: migrate
	@$(BIN)/python manage.py load_referentials --if-needed
	@$(BIN)/python manage.py seed_demo --holders $(DEMO_HOLDERS) --seed $(DEMO_SEED) --if-empty

run: demo
	@echo ""
	@echo "  Passeport est servi sur http://$(HOST):$(PORT)/"
	@echo "  Administration : http://$(HOST):$(PORT)/admin/ (créez un compte : .venv/bin/python manage.py createsuperuser)"
	@echo ""
	@# The development identity provider is reached at SITE_URL: follow HOST and PORT.
	@SITE_URL=$${SITE_URL:-http://$(HOST):$(PORT)} $(BIN)/python manage.py runserver $(HOST):$(PORT)

test: venv browser
	@$(BIN)/python -m pytest -n $(TEST_WORKERS) $(PYTEST_ARGS)

# Browser tests (tests/browser) drive Debian's Chromium, installed here when missing and
# possible (root with apt); never a browser downloaded by a test tool.
CHROMIUM ?= /usr/bin/chromium
browser:
	@test -x $(CHROMIUM) || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null && \
	  echo "Installation de Chromium (tests dans un navigateur)…" && \
	  { apt-get install -y -qq --no-install-recommends chromium >/dev/null 2>&1 || \
	    { apt-get update -qq && apt-get install -y -qq --no-install-recommends chromium >/dev/null; }; }; } || \
	  echo "Chromium absent : les tests dans un navigateur (tests/browser) seront ignorés."

quality: venv
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .
	DJANGO_SETTINGS_MODULE=config.settings.test $(BIN)/python manage.py makemigrations --check --dry-run

format: venv
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: venv
	@$(BIN)/python -m bench

# Regenerates requirements.lock from pyproject.toml (needs network access to PyPI).
lock:
	$(PYTHON) -m pip install --quiet uv
	$(PYTHON) -m uv pip compile pyproject.toml --extra dev --generate-hashes \
		--python-version 3.11 --python-platform x86_64-manylinux_2_28 -o requirements.lock

clean-db:
	rm -f db.sqlite3 db.sqlite3-wal db.sqlite3-shm
