# The two commands of the quick start: `make run` (the main job) and `make test` (the whole suite).
# Both create and reuse .venv/ in the repository and install what they need.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
OUT    ?= out

.PHONY: run test lint lab bench clean screenshots

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $(STAMP)

## run: validate the bundled graph, print its summary and example answers, write the HTML page
run: $(STAMP)
	$(BIN)/bskg validate
	$(BIN)/bskg stats
	$(BIN)/bskg treatments dehydration --limit 5
	$(BIN)/bskg red-flags "back spasm" --limit 5
	$(BIN)/bskg path "herniated disc" "heat therapy"
	$(BIN)/bskg conflicts
	$(BIN)/bskg html -o $(OUT)/graph.html

## bench: benchmarks against rdflib and pyoxigraph (make bench QUICK=1 for the 10k/100k part only)
bench: $(STAMP)
	$(BIN)/python bench/run.py $(if $(QUICK),--quick,)

## test: lint, type-check, then every test (unit, doctests, CLI, notebooks, browser, server)
test: lint
	$(BIN)/mypy
	$(BIN)/python -m pytest

## screenshots: refresh the README's tracked docs/*.png (make test writes them under out/screenshots/)
screenshots: $(STAMP)
	BSKG_SCREENSHOTS=docs BSKG_REQUIRE_BROWSER=1 $(BIN)/python -m pytest tests/test_browser.py tests/test_lab_screens.py tests/test_query_page.py

## lint: ruff's checks and its formatter (check only)
lint: $(STAMP)
	$(BIN)/ruff check graph tests bench notebooks
	$(BIN)/ruff format --check graph tests bench

clean:
	rm -rf $(VENV) $(OUT) .pytest_cache .mypy_cache .ruff_cache

## lab: open JupyterLab on notebooks/ with the project's environment and kernel
##      (headless on a server: make lab LAB_ARGS="--no-browser --ip=127.0.0.1"; it prints the URL with its token)
lab: $(STAMP)
	$(BIN)/python -m jupyterlab --notebook-dir=notebooks $(if $(filter 0,$(shell id -u)),--allow-root,) $(LAB_ARGS)
