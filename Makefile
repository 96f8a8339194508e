# The two commands a new user needs: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 5000
export FLASK_APP := app

.PHONY: run serve worker test lint typecheck setup migrate db bench-serve bench-notifications bench-integrity cluster-check clean translations-update translations-check
# apt-get needs root: sudo unless we are root already.
SUDO := $(shell [ "$$(id -u)" -eq 0 ] || echo sudo)

$(BIN)/activate: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.txt
	touch $(BIN)/activate

## The compiled translation catalogs (.mo) are built from the .po files, never committed.
setup: $(BIN)/activate
	$(BIN)/python -m courseware.i18n_catalogs compile

## After adding or changing interface strings: bring every catalog in step (CATALOG=hr for one), then
## translate what is new in courseware/translations/zh_CN/; `make translations-check` lists what is left.
translations-update: $(BIN)/activate
	$(BIN)/python -m courseware.i18n_catalogs update $(if $(CATALOG),--catalog $(CATALOG))

translations-check: $(BIN)/activate
	$(BIN)/python -m courseware.i18n_catalogs check

## Create or upgrade the database (once, here: never by the server's workers) and import the course.
migrate: setup
	$(BIN)/flask db upgrade
	$(BIN)/flask content import

## The same, and the demo company (first run only).
db: migrate
	$(BIN)/flask seed-demo

run: db
	@echo "Serving on http://$(HOST):$(PORT)"
	$(BIN)/flask run --host $(HOST) --port $(PORT)

## Production serving: gunicorn, workers and threads from the cores (gunicorn.conf.py; WEB_CONCURRENCY
## and GUNICORN_THREADS override), no debug, access log on standard output.
serve: migrate
	@echo "Serving with gunicorn on http://$(HOST):$(PORT)"
	HOST=$(HOST) PORT=$(PORT) $(BIN)/gunicorn --config gunicorn.conf.py app:app

## The background jobs' worker, when REDIS_URL is set (courseware/jobs.py): runs what the site and
## `flask jobs tick` enqueue. Without Redis the site runs its jobs itself and needs no worker.
worker: setup
	@test -n "$$REDIS_URL" || { echo "Set REDIS_URL (e.g. redis://127.0.0.1:6379/0): without it the site runs its jobs itself."; exit 1; }
	$(BIN)/flask jobs worker

## The served site under load next to the framework's own limit (bench/serve.py; wrk from Debian).
bench-serve: setup
	@command -v wrk >/dev/null 2>&1 || $(SUDO) apt-get install -y -q wrk
	$(BIN)/python bench/serve.py

## Reminders at 10,000 people: send-due's planning, then 2 RQ workers delivering to an SMTP sink
## (bench/notifications.py; Redis on 127.0.0.1:6379, database 12, flushed first).
bench-notifications: setup
	$(BIN)/python bench/notifications.py

## Quiz results under load and while workers are SIGKILLed, on SQLite and PostgreSQL (bench/integrity.py).
bench-integrity: setup
	$(BIN)/python bench/integrity.py

## Two `make serve` instances, an RQ worker and Debian's nginx (deploy/nginx's upstream and proxy
## settings) on a PostgreSQL database of its own and Redis database 7 (CLUSTER_REDIS_URL): sessions,
## sign-in limits, publication and one instance killed under load, checked (bench/cluster.py).
cluster-check: setup
	@command -v nginx >/dev/null 2>&1 || test -x /usr/sbin/nginx || { echo "nginx is needed: apt-get install nginx (the check runs its own, on a free port)"; exit 1; }
	$(BIN)/python bench/cluster.py

## The browser tests inject axe-core (package-lock.json pins it) into each page.
node_modules/.installed: package.json package-lock.json
	@if command -v npm >/dev/null; then npm ci --no-audit --no-fund --loglevel=error && touch $@; \
	else echo "npm is not installed: the accessibility checks in tests/browser will fail"; fi

test: setup node_modules/.installed
	$(BIN)/python -m pytest -q $(PYTEST_ARGS)

lint: setup
	$(BIN)/ruff check .

## The type hints, checked (pyproject.toml's [tool.mypy] says what and how strictly).
typecheck: setup
	$(BIN)/mypy

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .mypy_cache
