# `make run` and `make test` set everything up on a fresh machine with Python 3.11+.
SHELL := /bin/bash
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
DEMO_DIR ?= demo
# The newest Python 3.11+ on PATH (override: make PYTHON=/path/to/python3.12 test).
PYTHON ?= $(shell for p in python3.13 python3.12 python3.11 python3; do \
	command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 11))' \
	2>/dev/null && echo $$p && break; done)

.PHONY: run test lint typecheck pytest bench config-example screenshots clean

$(STAMP): pyproject.toml
	@test -n "$(PYTHON)" || { echo "Python 3.11 or newer is needed (none found on PATH)"; exit 2; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

# The demo: a sandbox Google on 127.0.0.1, a demo database, every collector once, a summary.
run: $(STAMP)
	$(BIN)/seo-monitor demo --dir $(DEMO_DIR)

test: $(STAMP) lint typecheck pytest

lint: $(STAMP)
	$(BIN)/ruff check .

typecheck: $(STAMP)
	$(BIN)/mypy

# One worker per core (pytest-xdist): the suite's subprocesses, browsers and servers wait on
# I/O much of the time, and every test makes its own databases, ports and folders.
pytest: $(STAMP)
	$(BIN)/pytest -n auto $(PYTEST_ARGS)

# The 500-location pipeline (bench/bench_scale.py) on SQLite and on the machine's PostgreSQL:
# about 45 minutes on 2 cores; figures go to bench/RESULTS.md by hand. `make bench QUICK=1`
# runs the same steps at 5 and 20 locations (200 reviews each, a 5×5 grid of 2 keywords, one
# render per page) in about 3 minutes: a check that it works, not figures to keep. It says how
# long before it starts and times itself. BENCH_ARGS adds or overrides options (e.g.
# BENCH_ARGS="--locations 50"); BENCH_POSTGRES= (empty) runs on SQLite only.
BENCH_POSTGRES ?= postgresql+psycopg://postgres@127.0.0.1:5432/postgres
BENCH_QUICK_ARGS := --locations 20 --reviews 200 --keywords 2 --grid 5 --repeat 1
BENCH_QUICK = $(filter-out 0,$(QUICK))
bench: $(STAMP)
	@echo "bench: $(if $(BENCH_QUICK),quick: 5 and 20 locations,5 and 500 locations) on SQLite$(if \
		$(BENCH_POSTGRES), and PostgreSQL), about $(if $(BENCH_QUICK),3,45) minutes on 2 cores$(if \
		$(BENCH_QUICK),, (make bench QUICK=1: about 3))"
	time $(BIN)/python -m bench.bench_scale $(if $(BENCH_POSTGRES),--postgres $(BENCH_POSTGRES)) \
		$(if $(BENCH_QUICK),$(BENCH_QUICK_ARGS)) $(BENCH_ARGS)

# The screenshots in docs/ are refreshed on purpose, never by `make test`: the browser test
# writes them here only when told to.
screenshots: $(STAMP)
	SEO_MONITOR_SCREENSHOTS=$(CURDIR)/docs/screenshots $(BIN)/pytest tests/dashboard/test_browser.py \
		-p no:cacheprovider

# config.example.toml is generated from the settings model; a test keeps them equal.
config-example: $(STAMP)
	$(BIN)/python -c 'from seo_monitor.config import render_example_config as r; \
		open("config.example.toml", "w").write(r())'

clean:
	rm -rf $(VENV) $(DEMO_DIR) .pytest_cache .mypy_cache .ruff_cache
