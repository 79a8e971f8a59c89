# kompass: the two commands a newcomer needs are `make demo` and `make test`.
# Needs only make and Python 3.11 (`make PYTHON=python3 demo` if yours is named so).

PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# Test files run in parallel worker processes, each file whole on one worker (its module fixtures made once, its
# tests in order), the files with slow tests first (tests/conftest.py). Four on two cores: most of a worker's time is spent waiting on kompass subprocesses and
# PostgreSQL. `make test PYTEST_WORKERS=0` runs in this process alone.
PYTEST_WORKERS ?= 4
PYTEST := $(BIN)/pytest -q -n $(PYTEST_WORKERS) --dist loadfile --no-loadscope-reorder

.PHONY: venv demo test lint unit integration e2e docs bench clean

venv: $(STAMP)

# The modules setup.py compiles with mypyc: the compiled files beside them are what Python imports, so an edit
# to one of them is built again before any test runs (`KOMPASS_PURE_PYTHON=1 make venv` builds none).
COMPILED := $(shell sed -n 's/^    "\(kompass\/.*\.py\)",$$/\1/p' setup.py)

$(STAMP): pyproject.toml setup.py $(COMPILED)
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

demo: venv
	$(BIN)/kompass demo

test: venv
	$(BIN)/ruff check kompass tests bench docs setup.py
	$(BIN)/mypy kompass tests bench setup.py
	$(BIN)/python docs/gen_cli_reference.py --check
	$(PYTEST)

lint: venv
	$(BIN)/ruff check kompass tests bench docs setup.py
	$(BIN)/mypy kompass tests bench setup.py

unit integration e2e: venv
	$(PYTEST) tests/$@

docs: venv
	$(BIN)/python docs/gen_cli_reference.py

# Every benchmark prints its figures side by side, the target and whether it is met.
# Each script's --help lists options to scale it (e.g. bench/coverage_bench.py --big 200000).
bench: venv
	@set -e; for script in bench/*_bench.py; do \
		echo "== $$script"; \
		$(BIN)/python $$script; \
	done

clean:
	rm -rf $(VENV) build dist *.egg-info .pytest_cache .mypy_cache .ruff_cache .hypothesis bench/out
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
	find . -path ./$(VENV) -prune -o -name '*.so' -type f -exec rm -f {} +
