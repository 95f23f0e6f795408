# `make start` and `make test` do all the set-up on a fresh machine (Python 3.11+).
PYTHON ?= python3
VENV := .venv
STAMP := $(VENV)/.installed-stamp
TEST_STAMP := $(VENV)/.test-tools-stamp

# the app alone: `make start` needs no test tools
$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/python -m pip install --quiet --upgrade pip
	$(VENV)/bin/python -m pip install --quiet -e .
	touch $(STAMP)

# the test tools on top (pytest, ruff, mypy, import-linter): `make test` and `make lint`
$(TEST_STAMP): $(STAMP)
	$(VENV)/bin/python -m pip install --quiet -e '.[test]'
	touch $(TEST_STAMP)

.PHONY: help install bytecode start test test-fast lint bench
help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

install: $(STAMP) ## make .venv and install the workshop (no test tools)

# The install is editable and a learner's shell may set PYTHONDONTWRITEBYTECODE: without this, every
# process compiled the workshop's modules again (some 100 ms of each start).
bytecode: $(STAMP)
	$(VENV)/bin/python -m compileall -q workshop

start: $(STAMP) bytecode ## open the app on the local backend
	$(VENV)/bin/workshop start --backend local

test: $(TEST_STAMP) ## every test
	$(VENV)/bin/python -m pytest -q

test-fast: $(TEST_STAMP) ## every test but those marked `slow` (training models, starting servers)
	$(VENV)/bin/python -m pytest -q -m "not slow"

lint: $(TEST_STAMP) ## ruff, mypy and the import contracts (pyproject [tool.importlinter])
	$(VENV)/bin/ruff check workshop tests bench
	$(VENV)/bin/mypy
	$(VENV)/bin/lint-imports

bench: $(STAMP) bytecode ## the benchmarks: each prints its figures
	$(VENV)/bin/python bench/bench_lesson1.py
	$(VENV)/bin/python bench/bench_lesson4.py
	$(VENV)/bin/python bench/bench_startup.py
	$(VENV)/bin/python bench/bench_log_latency.py
	$(VENV)/bin/python bench/bench_objectstore.py
	$(VENV)/bin/python bench/bench_course.py
	$(VENV)/bin/python bench/bench_parallelfor.py
	$(VENV)/bin/python bench/bench_flood_keys.py --real 50 --presses 60
