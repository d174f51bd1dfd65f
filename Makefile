# Two commands: `make run` (portal with demo data, no services needed) and `make test`.
# Another interpreter in another virtualenv (the CI matrix does this for Python 3.11 with the
# Django 5.2 LTS): `make test PYTHON=python3.11 VENV=.venv-py311`.
SHELL := /bin/bash
VENV ?= .venv
PY = $(VENV)/bin/python
# Django 6 needs Python 3.12+; take the newest interpreter on the machine, falling back to 3.11.
PYTHON ?= $(shell for p in python3.13 python3.12 $$HOME/.pyenv/versions/3.13*/bin/python3 \
	$$HOME/.pyenv/versions/3.12*/bin/python3 python3; do \
	command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 11))' \
	2>/dev/null && { command -v $$p; break; }; done)
PORT ?= 8000

.PHONY: run test install lint format messages clean bench

$(VENV)/.installed: pyproject.toml
	@test -n "$(PYTHON)" || { echo "Python 3.11+ is needed"; exit 1; }
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@$(PY) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
		{ echo "$(VENV) has Python < 3.11; remove it or choose another VENV"; exit 1; }
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	touch $@

install: $(VENV)/.installed

messages: install
	$(PY) manage.py compilemessages --ignore='.venv*' --verbosity 0

run: install messages
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_reference_data
	$(PY) manage.py load_demo_data
	$(PY) manage.py load_demo_history
	$(PY) manage.py run_portal --port $(PORT)

test: install messages
	$(PY) -m pytest

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports --no-logo

format: install
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

clean:
	rm -rf var/ .pytest_cache
