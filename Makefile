# Two entry points on a fresh clone: `make demo` and `make test`.
# Each creates .venv if it is missing and installs the package with its extras.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin

.PHONY: help demo test docs bench clean figures
.DEFAULT_GOAL := help

# `make` alone lists the targets (every line of the form `target: ... ## what it does`).
help:
	@echo "make <target>, with <target> one of:"
	@grep -E '^[a-z]+:.*## ' $(firstword $(MAKEFILE_LIST)) | \
		sed -E 's/^([a-z]+):.*## (.*)/  \1\t\2/' | expand -t 12
	@echo "Then use the venv: . $(BIN)/activate  (or run $(BIN)/python directly)."

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[dev,plot]"
	touch $@

# The quick start, then the chapter-6 tour (its pictures land in out/ch6_*/).
demo: $(VENV)/.installed  ## create .venv, install minigrad, run the quick start and the chapter-6 tour
	$(BIN)/python examples/quickstart.py
	$(BIN)/python examples/tour.py

# Every figure of chapter 6, drawn with minigrad, into out/figures/ (QUICK=1: a fast pass).
figures: $(VENV)/.installed  ## draw every figure of chapter 6 into out/figures/ (QUICK=1: fast)
	$(BIN)/python figures/make_figures.py $(if $(QUICK),--quick)

test: $(VENV)/.installed  ## ruff and the whole test suite
	$(BIN)/ruff check minigrad tests examples benchmarks exercises scripts figures
	$(BIN)/python -m pytest

$(VENV)/.docs-installed: pyproject.toml | $(VENV)/.installed
	$(BIN)/python -m pip install --quiet -e ".[docs]"
	touch $@

docs: $(VENV)/.docs-installed  ## build the documentation site into site/ (strict)
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict --site-dir site

bench: $(VENV)/.installed  ## speed against NumPy (and PyTorch when installed)
	$(BIN)/python benchmarks/run.py
	$(BIN)/python benchmarks/optim.py

.PHONY: notebooks
notebooks: $(VENV)/.installed  ## the lesson notebooks in Jupyter Lab (installs the [notebooks] extra)
	$(BIN)/python -m pip install --quiet -e ".[notebooks]"
	$(BIN)/jupyter lab notebooks/

clean:  ## remove .venv, caches, out/ and the built site/
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis out site
