# CineStream: `make run` starts the site, `make test` runs the tests. Both set themselves up.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
MANAGE := $(BIN)/python manage.py
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test lint format messages static migrate worker beat clean os-deps

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.runtime-installed: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev-installed: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@ $(VENV)/.runtime-installed

.env:
	cp .env.example .env

# msgfmt comes from gettext; install it where this is a Debian/Arch machine we may change.
os-deps:
	@command -v msgfmt >/dev/null || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then apt-get update -qq && apt-get install -y -qq gettext; \
	  elif [ "$$(id -u)" = 0 ] && command -v pacman >/dev/null; then pacman -S --noconfirm --needed gettext; \
	  else echo "msgfmt not found: install gettext (apt-get install gettext / pacman -S gettext)"; exit 1; fi; }

# msgfmt directly: compiling needs no settings, so it works before .env exists.
messages: os-deps
	@for po in locale/*/LC_MESSAGES/*.po; do msgfmt --check -o "$${po%.po}.mo" "$$po" || exit 1; done

static: $(VENV)/.runtime-installed
	$(MANAGE) collectstatic --noinput -v 0

migrate: $(VENV)/.runtime-installed .env
	$(MANAGE) migrate --noinput -v 0
	$(MANAGE) catalog_sample_load

run: $(VENV)/.runtime-installed .env migrate messages static
	@echo "CineStream on http://$(HOST):$(PORT)/  (Ctrl+C stops it)"
	$(BIN)/daphne -b $(HOST) -p $(PORT) cinestream.asgi:application

test: $(VENV)/.dev-installed messages
	$(BIN)/pytest $(PYTEST_ARGS)

lint: $(VENV)/.dev-installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(VENV)/.dev-installed
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Production processes (REDIS_URL set): Celery worker and beat.
worker: $(VENV)/.runtime-installed
	$(BIN)/celery -A cinestream worker --loglevel=INFO

beat: $(VENV)/.runtime-installed
	$(BIN)/celery -A cinestream beat --loglevel=INFO

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache
	find locale -name '*.mo' -delete
