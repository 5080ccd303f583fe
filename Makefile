# Jianfu: `make run` (fresh machine -> app on 127.0.0.1:8000 with demo data), `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
CATALOGS := $(patsubst %.po,%.mo,$(wildcard locales/*/LC_MESSAGES/messages.po))
EXTRACT := $(BIN)/pybabel extract -F locales/babel.cfg -k _ -k gettext -k ngettext:1,2 --no-location --sort-output --omit-header -o locales/messages.pot .

.PHONY: install run test catalogs catalogs-update check-catalogs clean

install: $(VENV)/.installed $(CATALOGS)

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

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

test: install
	@if command -v npm >/dev/null && [ ! -d tests/axe/node_modules ]; then (cd tests/axe && npm ci --no-audit --no-fund --loglevel=error) || true; fi
	$(BIN)/python -m pytest

clean:
	rm -rf $(VENV) data test-artifacts $(CATALOGS)
