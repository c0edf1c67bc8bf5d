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

# The main job on the sample corpus: records for every report (not the sealed test set, which
# is scored once, by hand: zhpolicy evaluate corpus/sealed), the scores on gold and held-out
# reports, and the corpus report page.
demo: $(STAMP)
	$(BIN)/zhpolicy run corpus/seeds corpus/gold corpus/heldout -o out/records.jsonl
	$(BIN)/zhpolicy evaluate corpus/gold
	$(BIN)/zhpolicy evaluate corpus/heldout
	$(BIN)/zhpolicy report out/records.jsonl -o out/report.html

test: $(STAMP)
	$(BIN)/python -m pytest

models: $(STAMP)
	$(BIN)/zhpolicy train

clean:
	rm -rf $(VENV) out build *.egg-info
