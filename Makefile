# `make run` and `make test` work on a bare Debian machine with python3.11: the virtualenv and
# the database are made on first use. See README.md.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
MADINI := $(BIN)/madini
INSTALLED := $(VENV)/.installed
PYTEST_ARGS ?=

.PHONY: help install $(VENV) run test messages clean

help:
	@echo "make run       install, load demo data and serve Madini at http://127.0.0.1:8000/"
	@echo "make test      install and run the tests (PostgreSQL when DATABASE_URL is set; PYTEST_ARGS passed on)"
	@echo "make messages  extract the translatable strings into the fr and sw catalogues and compile them (needs gettext)"
	@echo "make clean     remove the virtualenv and build leftovers (keeps the database madini.sqlite3)"

install: $(VENV)

$(VENV): $(INSTALLED)

# Re-installs only when pyproject.toml changes.
$(INSTALLED): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

run: export DEBUG := true
run: install
	$(MADINI) migrate
	$(MADINI) bootstrap
	$(MADINI) runserver 127.0.0.1:8000

test: install
	@if [ -n "$$DATABASE_URL" ]; then \
		echo "Tests on the database of DATABASE_URL: $$(echo "$$DATABASE_URL" | sed -E 's#//([^:/@]+):[^@]*@#//\1:***@#')"; \
	else \
		echo "Tests on SQLite (set DATABASE_URL=postgres://... to run them on PostgreSQL)"; \
	fi
	$(BIN)/pytest $(PYTEST_ARGS)

# Run from the package folder so that every app's strings go into src/madini/locale. Existing
# translations are kept; new strings arrive with an empty msgstr (tests/test_i18n.py then fails
# until they are translated). The compiled .mo files are committed: users need no gettext.
messages: export DEBUG := true
messages: install
	@command -v msgfmt >/dev/null || { echo "make messages needs GNU gettext: apt-get install gettext"; exit 1; }
	cd src/madini && ../../$(MADINI) makemessages --locale fr --locale sw --add-location file
	cd src/madini && ../../$(MADINI) compilemessages --locale fr --locale sw

clean:
	rm -rf $(VENV) build staticfiles src/*.egg-info .pytest_cache .hypothesis
	find src tests -name __pycache__ -type d -prune -exec rm -rf {} +
