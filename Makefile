# Two commands on a fresh machine: `make extract` and `make test`. Both create .venv when missing.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: install extract test lint schema bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

extract: $(STAMP)  ## policyx extract corpus/ -o out/
	$(BIN)/policyx extract corpus/ -o out/

test: $(STAMP)  ## lint, then the whole test suite
	$(BIN)/ruff check src tests
	$(BIN)/pytest

schema: $(STAMP)
	$(BIN)/policyx schema -o schemas/

bench: $(STAMP)
	$(BIN)/python benchmarks/bench.py
	$(BIN)/python benchmarks/formats.py  # text, HTML, DOCX and PDF (pages/s) in one process

clean:
	rm -rf $(VENV) out .pytest_cache
