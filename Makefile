# Jianfu: `make run` (fresh machine -> app on 127.0.0.1:8000 with demo data), `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
CATALOGS := $(patsubst %.po,%.mo,$(wildcard locales/*/LC_MESSAGES/messages.po))
EXTRACT := $(BIN)/pybabel extract -F locales/babel.cfg -k _ -k gettext -k ngettext:1,2 --no-location --sort-output --omit-header -o locales/messages.pot .

.PHONY: install run lint test test-fast lock catalogs catalogs-update check-catalogs clean

install: $(VENV)/.installed $(CATALOGS)

# Exactly the versions and files in requirements.lock (hashes checked), then the app itself without
# resolving anything again: a release of any dependency after the lock changes nothing here.
$(VENV)/.installed: pyproject.toml requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet --require-hashes -r requirements.lock
	$(BIN)/pip install --quiet --no-deps --no-build-isolation -e .
	touch $@

# Refresh requirements.lock from pyproject.toml's ranges (runtime, the test extra and the build
# backend) with pip-tools, kept in a venv of its own inside .venv. Run it after changing a
# dependency (LOCK_FLAGS=--upgrade takes the newest releases within the ranges), review the
# diff, run `make test`, commit both files.
LOCK_TOOLS := $(VENV)/lock-tools
lock:
	[ -x $(LOCK_TOOLS)/bin/pip-compile ] || { $(PYTHON) -m venv $(LOCK_TOOLS) && $(LOCK_TOOLS)/bin/pip install --quiet --upgrade pip 'pip-tools>=7.5'; }
	CUSTOM_COMPILE_COMMAND="make lock" $(LOCK_TOOLS)/bin/pip-compile --quiet $(LOCK_FLAGS) --generate-hashes --allow-unsafe --all-build-deps \
	  --extra test --strip-extras --no-emit-find-links --no-emit-index-url --no-emit-trusted-host -o requirements.lock pyproject.toml

locales/%/LC_MESSAGES/messages.mo: locales/%/LC_MESSAGES/messages.po $(VENV)/.installed
	$(BIN)/pybabel compile --statistics -d locales -l $* -D messages

catalogs: $(CATALOGS)

# After adding or changing a user-facing string: refresh the template and the catalogs, write the
# zh_Hans translation by hand, run this again to seed zh_Hant (OpenCC) and en, review the zh_Hant diff.
catalogs-update: $(VENV)/.installed
	$(EXTRACT)
	for l in zh_Hans zh_Hant en; do $(BIN)/pybabel update -i locales/messages.pot -d locales -l $$l --no-fuzzy-matching; done
	$(BIN)/python locales/seed.py
	$(MAKE) check-catalogs

check-catalogs: $(VENV)/.installed
	$(BIN)/python ../shared/tools/check_catalogs.py locales

run: install
	$(BIN)/jianfu demo --if-empty
	$(BIN)/jianfu serve --demo --host 127.0.0.1 --port 8000

# ruff with pyproject.toml's [tool.ruff]: the rules, then the formatting (`ruff format .` applies it).
# `make test`, which CI runs, lints first.
lint: install
	$(BIN)/ruff check . && $(BIN)/ruff format --check .

# The suite in one worker process per core (pytest-xdist), each test module whole in one worker, so a
# module's server, browser and demo store start once; each worker has its own SQLite files and its
# own PostgreSQL database. TEST_WORKERS=0 runs it in this process (pdb, -x on the first failure).
TEST_WORKERS ?= auto
PYTEST := $(BIN)/python -m pytest $(if $(filter 0,$(TEST_WORKERS)),,-n $(TEST_WORKERS) --dist loadfile)

test: install lint
	@if command -v npm >/dev/null && [ ! -d tests/axe/node_modules ]; then (cd tests/axe && npm ci --no-audit --no-fund --loglevel=error) || true; fi
	$(PYTEST)

# The edit-test loop: everything but the tests marked slow (browsers, real servers, the demo
# county, schemathesis, large regions). `make test` stays the whole suite and the CI run.
test-fast: install
	$(PYTEST) -m "not slow"

clean:
	rm -rf $(VENV) data test-artifacts $(CATALOGS)
