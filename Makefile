# `make start` and `make test` do all the set-up on a fresh machine (Python 3.11+).
PYTHON ?= python3
VENV := .venv
STAMP := $(VENV)/.installed-stamp

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/python -m pip install --quiet --upgrade pip
	$(VENV)/bin/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

.PHONY: install start test lint bench
install: $(STAMP)

start: $(STAMP)
	$(VENV)/bin/workshop start --backend local

test: $(STAMP)
	$(VENV)/bin/python -m pytest -q

lint: $(STAMP)
	$(VENV)/bin/ruff check workshop tests bench
	$(VENV)/bin/mypy

bench: $(STAMP)
	$(VENV)/bin/python bench/bench_lesson1.py
	$(VENV)/bin/python bench/bench_startup.py
	$(VENV)/bin/python bench/bench_log_latency.py
	$(VENV)/bin/python bench/bench_objectstore.py
	$(VENV)/bin/python bench/bench_course.py
