# Two commands: `make run` (set up, ingest the starter corpus, open the web UI) and `make test`.
# Every target sets up what it needs; nothing is installed by hand.

PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
PIP    := $(VENV)/bin/pip
KB     := $(VENV)/bin/kb
export KB_HOME ?= $(CURDIR)/.kb
export GRADIO_ANALYTICS_ENABLED := False
export HF_HUB_OFFLINE := 1
export HF_HUB_DISABLE_TELEMETRY := 1
export TRANSFORMERS_OFFLINE := 1

.PHONY: run test lint eval bench corpus serve clean setup setup-test chromium ocr

# --- setup -----------------------------------------------------------------
$(VENV)/.base: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PIP) install -q --upgrade pip
	$(PIP) install -q -e .
	touch $@

# torch is pinned and installed first so sentence-transformers gets the local CPU build.
$(VENV)/.test: $(VENV)/.base
	$(PIP) install -q torch==2.13.0
	$(PIP) install -q -e '.[st,test]'
	touch $@

setup: $(VENV)/.base
setup-test: $(VENV)/.test chromium ocr

chromium:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "installing Debian chromium for the browser tests"; \
	  apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium; }

# OCR of scans (ingest/ocr): Tesseract 5 with the network's language packs, osd (script detection)
# and poppler's pdftoppm (renders scanned PDF pages). Only the missing packages are installed.
OCR_LANGS    := eng ara fra spa deu por ita rus tur chi-sim osd
OCR_PACKAGES := tesseract-ocr poppler-utils $(addprefix tesseract-ocr-,$(OCR_LANGS))
ocr:
	@missing=""; for p in $(OCR_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "ok installed" || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing for OCR:$$missing"; \
	  apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $$missing; fi

# --- the two commands --------------------------------------------------------
run: setup corpus
	@$(MAKE) -s ocr || echo "OCR packages could not be installed (run 'make ocr' as root); scans will be refused"
	$(KB) add corpus/build --manifest corpus/manifest.csv
	$(KB) serve

test: setup-test corpus
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy
	$(PY) -m pytest -q

# --- the rest ----------------------------------------------------------------
corpus: setup
	$(PY) corpus/build.py

lint: setup-test
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy

eval: setup ocr corpus
	$(KB) eval all

bench: setup-test corpus
	$(PY) -m evals.bench

serve: setup
	$(KB) serve

clean:
	rm -rf $(VENV) .kb corpus/build .pytest_cache
