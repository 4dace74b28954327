# The two commands of the README:
#   make demo   builds the Viet Nam example profile (examples/viet-nam/out/)
#   make test   runs ruff, then the whole test suite
# Both set up everything they need first: system packages (fonts, poppler, Java, and
# Chromium for the web app's browser tests) and a
# virtual environment in .venv with exactly the libraries of requirements.lock (checked by
# their hashes) and migprofile installed in editable mode.
#   make lock   resolves the newest set that pyproject.toml allows into requirements.lock;
#               then run make test to learn whether that set works. After changing a range
#               in pyproject.toml, `make lock UPGRADE=` changes only what the range forces.
#   make vendor fetches the third-party files of vendor.toml (Pico CSS, axe-core) again from
#               the npm registry at their pinned versions, checking their integrity.

PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
SYSTEM_PACKAGES := fonts-noto-core fonts-noto-cjk fonts-lao libharfbuzz-subset0 poppler-utils \
  chromium
JAVA_PACKAGE := openjdk-17-jre-headless

.PHONY: demo test lint lock catalogs docs vendor setup system-packages clean

demo: setup
	$(BIN)/migprofile build examples/viet-nam
	@echo "The Viet Nam profile is in examples/viet-nam/out/ (en/profile.pdf, vi/profile.pdf, ...)."

test: lint
	$(BIN)/python -m pytest

lint: setup
	$(BIN)/ruff check src tests benchmarks scripts

LOCALES := src/migprofile/report/locales
REPORT_LANGUAGES := vi lo ko

# Refresh the report's message catalogs after changing a translatable text; then translate
# the new entries in $(LOCALES)/LANG/LC_MESSAGES/migprofile.po (the tests check that none is
# missing).
catalogs: setup
	$(BIN)/pybabel extract -F babel.cfg --no-location --sort-output --no-wrap \
	  --project migprofile -o $(LOCALES)/migprofile.pot .
	for lang in $(REPORT_LANGUAGES); do \
	  $(BIN)/pybabel update -i $(LOCALES)/migprofile.pot -d $(LOCALES) -D migprofile -l $$lang \
	    --init-missing --no-wrap --no-fuzzy-matching --ignore-obsolete \
	    --ignore-pot-creation-date; \
	done

# Rewrite the catalogue of dataflows and indicators (docs/catalogue.md) from their declarations, after
# adding or changing a dataflow or an indicator (the tests check that it is current).
docs: setup
	$(BIN)/python -m migprofile.indicators.catalogue > docs/catalogue.md

# After changing a version in vendor.toml (and its integrity: npm view NAME@VERSION
# dist.integrity), copy the files again; a tarball that does not match is refused.
vendor:
	$(PYTHON) scripts/vendor.py

setup: system-packages $(VENV)/.installed

LOCK := requirements.lock
UPGRADE ?= --upgrade

$(VENV)/.installed: pyproject.toml $(LOCK)
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --require-hashes -r $(LOCK)
	$(BIN)/python -m pip install --quiet --no-deps -e .
	$(BIN)/python -m pip check
	touch $@

# Every direct and transitive dependency, with the hashes of its files, for Python 3.11 on
# 64-bit Linux, including the dev and spark extras.
lock:
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	test -x $(BIN)/uv || $(BIN)/python -m pip install --quiet uv
	$(BIN)/uv pip compile pyproject.toml --extra dev --extra spark --generate-hashes \
	  --python-version 3.11 --python-platform x86_64-manylinux_2_28 $(UPGRADE) \
	  --custom-compile-command "make lock" --quiet -o $(LOCK)
	@echo "$(LOCK) refreshed; run make test to check the new set."

system-packages:
	@missing=$$(for p in $(SYSTEM_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	command -v java >/dev/null 2>&1 || missing="$$missing $(JAVA_PACKAGE)"; \
	if [ -n "$$(echo $$missing)" ]; then \
	  echo "Installing system packages:$$missing"; \
	  $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq $$missing; \
	fi

clean:
	rm -rf $(VENV) examples/*/out examples/*/warehouse.duckdb
