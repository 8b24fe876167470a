# The two commands of the README: `make run` and `make test`. `make lint` checks style.
PYTHON ?= $(shell command -v python3.13 2>/dev/null || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
MANAGE := $(BIN)/python manage.py
# Where `make run` serves: `make run PORT=8001` (or HOST=0.0.0.0 to be reached from another machine).
HOST ?= 127.0.0.1
PORT ?= 8000
# The address printed by seed_demo and written in the mails' links follows them.
export SITE_URL ?= http://$(HOST):$(PORT)

.PHONY: run test lint format install messages migrate demo clean bench load

$(BIN)/python:
	$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info[:2] >= (3, 13) else "Python 3.13 is required (found %s)" % sys.version.split()[0])'
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	touch $@

install: $(VENV)/.installed

# The tests' own tools besides (the generated-client test's generator): `make test` installs them.
$(VENV)/.dev-installed: requirements-dev.txt $(VENV)/.installed
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $@

messages: install
	$(MANAGE) compilemessages --ignore=.venv --ignore=node_modules -v 0

migrate: messages
	$(MANAGE) migrate --noinput

demo: migrate
	$(MANAGE) seed_demo

# The web server and, beside it, a worker for the background exports; Ctrl+C stops both.
# Mail is written to mails/, one readable file a message.
run: demo
	@trap 'kill %1 2>/dev/null' EXIT INT TERM; \
	$(MANAGE) db_worker --interval 1 & \
	$(MANAGE) runserver $(HOST):$(PORT)

test: messages $(VENV)/.dev-installed
	$(BIN)/pytest

# National scale, in a throwaway PostgreSQL database: one table of queries, times and sizes (see tests/bench.py).
bench: messages
	$(BIN)/python -m tests.bench

# 50 simulated people against gunicorn, a worker and PostgreSQL (see tests/locustfile.py and tests/load.sh).
$(VENV)/.load-installed: requirements-load.txt $(VENV)/.installed
	$(BIN)/python -m pip install --quiet -r requirements-load.txt
	touch $@

load: messages $(VENV)/.load-installed
	tests/load.sh

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache
	find locale -name '*.mo' -delete
