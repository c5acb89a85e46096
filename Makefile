# The two commands of the quick start: `make run` (the main job) and `make test` (the whole suite).
# Both create and reuse .venv/ in the repository and install what they need.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
OUT    ?= out

.PHONY: run test lint lab clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $(STAMP)

## run: validate the bundled graph, print its summary and example answers, write the HTML page
run: $(STAMP)
	$(BIN)/bskg validate
	$(BIN)/bskg stats

## test: lint, type-check, then every test (unit, doctests, CLI, notebooks, browser, server)
test: $(STAMP)
	$(BIN)/ruff check graph tests bench notebooks
	$(BIN)/mypy
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check graph tests bench notebooks
	$(BIN)/ruff format --check graph tests bench

clean:
	rm -rf $(VENV) $(OUT) .pytest_cache .mypy_cache .ruff_cache

## lab: open JupyterLab on notebooks/ with the project's environment and kernel
##      (headless on a server: make lab LAB_ARGS="--no-browser --ip=127.0.0.1"; it prints the URL with its token)
lab: $(STAMP)
	$(BIN)/python -m jupyterlab --notebook-dir=notebooks $(if $(filter 0,$(shell id -u)),--allow-root,) $(LAB_ARGS)
