# Developer shortcuts; CI runs .ci/run, which installs from nothing and runs `pytest`.
PY ?= .venv/bin/python

.PHONY: setup check lint format test demo bench

setup:            ## fresh venv with the CPU torch wheel first, then voxtune and its dev tools
	python3 -m venv .venv
	$(PY) -m pip install --upgrade pip
	$(PY) -m pip install torch==2.13.0
	$(PY) -m pip install -e ".[dev]"

lint:
	$(PY) -m ruff check src tests benchmarks
	$(PY) -m ruff format --check src tests benchmarks

format:
	$(PY) -m ruff format src tests benchmarks
	$(PY) -m ruff check --fix src tests benchmarks

test:
	$(PY) -m pytest

check: lint test  ## what to run before every commit

demo:
	$(PY) -m voxtune demo --out voxtune-demo

bench:
	$(PY) benchmarks/runner_overhead.py
	$(PY) benchmarks/train_throughput.py
