# Two entry points on a fresh clone: `make demo` and `make test`.
# Each creates .venv if it is missing and installs the package with its extras.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin

.PHONY: demo test docs bench lint clean figures

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[dev,plot]"
	touch $@

# The quick start, then the chapter-6 tour (its pictures land in out/ch6_*/).
demo: $(VENV)/.installed
	$(BIN)/python examples/quickstart.py
	$(BIN)/python examples/tour.py

# Every figure of chapter 6, drawn with minigrad, into out/figures/ (QUICK=1: a fast pass).
figures: $(VENV)/.installed
	$(BIN)/python figures/make_figures.py $(if $(QUICK),--quick)

test: $(VENV)/.installed
	$(BIN)/ruff check minigrad tests examples benchmarks exercises scripts figures
	$(BIN)/python -m pytest

$(VENV)/.docs-installed: pyproject.toml | $(VENV)/.installed
	$(BIN)/python -m pip install --quiet -e ".[docs]"
	touch $@

docs: $(VENV)/.docs-installed
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict --site-dir site

bench: $(VENV)/.installed
	$(BIN)/python benchmarks/run.py
	$(BIN)/python benchmarks/optim.py

# The lesson notebooks of notebooks/ in Jupyter Lab (installs the [notebooks] extra).
.PHONY: notebooks
notebooks: $(VENV)/.installed
	$(BIN)/python -m pip install --quiet -e ".[notebooks]"
	$(BIN)/jupyter lab notebooks/

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis out
