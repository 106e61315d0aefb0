# The two commands of the quick start are `make run` (the advisor: Telegram when TELEGRAM_BOT_TOKEN is
# set, the terminal chat otherwise) and `make test` (everything CI runs). Both set the machine up first.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PY     := $(BIN)/python

.PHONY: setup run chat bot test test-fast lint typecheck kbcheck fingerprints catalogs index i18n redis-server cjk-font bench \
	diagrams clean

setup: $(VENV)/.installed catalogs index

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $@

# Compiled catalogs are build output (.gitignore'd): made from the committed .po files.
catalogs: $(VENV)/.installed
	@if ls locales/*/LC_MESSAGES/messages.po >/dev/null 2>&1; then \
	  $(BIN)/pybabel -q compile --use-fuzzy -d locales -D messages; fi

# The matchers' index (knowledge/data/.index/, .gitignore'd), keyed on every input: built here once, read
# by every process; quick when it is up to date. A process that finds it missing or stale builds it itself.
index: $(VENV)/.installed
	@$(BIN)/loan-advisor kb build >/dev/null

# After changing UI strings: extract them into locales/messages.pot and merge that into every catalog.
# msgids are Simplified Chinese, so zh_CN's translations are the msgids themselves (filled in here);
# en is translated by hand in locales/en/LC_MESSAGES/messages.po. Traditional Chinese is not a
# catalog: it is converted from zh_CN with OpenCC at output time.
i18n: $(VENV)/.installed
	$(BIN)/pybabel -q extract -F babel.cfg --no-default-keywords -k _ -k N_ --no-location --sort-output \
	  --project loan-advisor --copyright-holder "loan-advisor contributors" -o locales/messages.pot .
	@for l in zh_CN en; do [ -f locales/$$l/LC_MESSAGES/messages.po ] || \
	  $(BIN)/pybabel -q init -i locales/messages.pot -d locales -D messages -l $$l; done
	$(BIN)/pybabel -q update -i locales/messages.pot -d locales -D messages --ignore-obsolete --no-fuzzy-matching
	$(PY) -m flows.i18n --fill-source-locale locales/zh_CN/LC_MESSAGES/messages.po
	$(MAKE) catalogs

# Redis tests need a real redis-server; install Debian's package when it is missing.
redis-server:
	@command -v redis-server >/dev/null 2>&1 || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq redis-server >/dev/null; }

# The OCR tests draw screenshots in a CJK font (WenQuanYi Micro Hei), and OpenCV, under the OCR, loads
# libGL and GLib: install Debian's packages when they are missing.
CJK_FONT := /usr/share/fonts/truetype/wqy/wqy-microhei.ttc
cjk-font:
	@[ -f $(CJK_FONT) ] && ldconfig -p | grep -q 'libGL.so.1 ' && ldconfig -p | grep -q 'libgthread-2.0.so.0 ' || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq fonts-wqy-microhei libgl1 libglib2.0-0 >/dev/null; }

run: setup
	$(BIN)/loan-advisor run

chat: setup
	$(BIN)/loan-advisor chat

bot: setup
	$(BIN)/loan-advisor bot

lint: setup
	$(BIN)/ruff check bot flows knowledge tests bench

typecheck: setup
	$(BIN)/mypy

# The articles live outside the repository; the check runs on their fingerprints (knowledge/data/
# fingerprints.json), and also verifies those against the articles when they are at hand.
SOURCES ?= $(or $(LOAN_ADVISOR_SOURCES),../shared/sources)

kbcheck: setup
	$(BIN)/loan-advisor kb check $$( [ -d "$(SOURCES)" ] && echo --sources "$(SOURCES)" )

# After changing the articles or provenance.yaml: rebuild the fingerprints (needs the articles).
fingerprints: setup
	$(BIN)/loan-advisor kb fingerprint --sources "$(SOURCES)"

test: setup redis-server cjk-font lint typecheck kbcheck
	$(BIN)/pytest -q

# The inner loop: the tests not marked `slow` (no bot played through the Bot API stand-in, no process
# started, no load test or whole-data-set score; see tests/conftest.py), spread over the cores
# (pytest-xdist). `make test` runs everything, one test at a time, as CI does.
test-fast: setup redis-server
	$(BIN)/pytest -q -m "not slow" -n auto

bench: setup redis-server cjk-font
	$(PY) -m bench

# docs/flows.md is generated from the flow tables; tests/flows/test_diagrams.py fails when it is stale.
diagrams: setup
	$(PY) -m flows.diagrams

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
