# Two entry points for a fresh machine: `make demo` and `make test`.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test install clean models

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/zhpolicy run corpus/ -o out/records.jsonl
	$(BIN)/zhpolicy evaluate corpus/gold
	$(BIN)/zhpolicy evaluate corpus/heldout

test: $(STAMP)
	$(BIN)/python -m pytest

models: $(STAMP)
	$(BIN)/zhpolicy train

clean:
	rm -rf $(VENV) out build *.egg-info
