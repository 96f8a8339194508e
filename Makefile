# The two commands a new user needs: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 5000
export FLASK_APP := app

.PHONY: run serve test lint setup db clean

$(BIN)/activate: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.txt
	touch $(BIN)/activate

setup: $(BIN)/activate

## Create or upgrade the database, import the course, seed the demo company (first run only).
db: setup
	$(BIN)/flask db upgrade
	$(BIN)/flask content import
	$(BIN)/flask seed-demo

run: db
	@echo "Serving on http://$(HOST):$(PORT)"
	$(BIN)/flask run --host $(HOST) --port $(PORT)

serve: db
	$(BIN)/flask run --host $(HOST) --port $(PORT)

test: setup
	$(BIN)/python -m pytest -q

lint: setup
	$(BIN)/ruff check .

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
