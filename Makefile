# The commands people type. `make run` and `make test` work from a fresh clone.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
DEV := DEBUG=1

.PHONY: install run test test-sqlite test-postgres test-browser system-tools lint format lock \
	superuser clean bench bench-import lighthouse load chaos

$(INSTALLED): requirements.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.lock
	touch $@

install: $(INSTALLED)

run: install
	$(DEV) $(BIN)/python manage.py migrate --noinput
	$(DEV) $(BIN)/python manage.py createcachetable
	$(DEV) $(BIN)/python manage.py load_directory
	$(DEV) $(BIN)/python manage.py runserver 127.0.0.1:8000

superuser: install
	$(DEV) $(BIN)/python manage.py createsuperuser

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# The two runs go side by side, one per core (each is mostly one Python process waiting on its
# database): each has its own database, Redis, live server and screenshot folder. Each run's
# output is printed whole when it ends (--output-sync); either failing fails `make test`.
test: lint system-tools
	$(DEV) $(BIN)/python manage.py makemigrations --check --dry-run
	$(MAKE) --no-print-directory --jobs=2 --output-sync=target test-sqlite test-postgres

# Both runs start a throwaway Redis (bin/with-redis) for the shared-cache tests. Outside CI a
# machine without redis-server runs without it, those tests skipping loudly; under CI=true they fail.
WITH_REDIS = bin/with-redis
test-sqlite: install
	@echo "== tests on SQLite =="
	DATABASE_URL=sqlite:///var/test.sqlite3 $(WITH_REDIS) $(BIN)/pytest

# A throwaway PostgreSQL server, started and removed by bin/with-postgres. Outside CI a
# machine without PostgreSQL skips this run loudly; under CI=true that is a failure.
test-postgres: install
	@echo "== tests on PostgreSQL =="
	@status=0; $(WITH_REDIS) bin/with-postgres $(BIN)/pytest || status=$$?; \
	if [ $$status -eq 3 ] && [ "$${CI:-}" != "true" ]; then \
		echo "WARNING: PostgreSQL is not installed; the PostgreSQL run was SKIPPED."; \
	elif [ $$status -ne 0 ]; then exit $$status; fi

# The browser tests (tests/browser/) drive Debian's Chromium; the HTML validator runs on Java.
# Neither comes from PyPI: each is installed from Debian's packages when it is missing and this
# user may (root, or sudo without a password). Otherwise its tests skip loudly; under CI=true
# they fail, here and in tests/browser/conftest.py. Override CHROMIUM to use another build.
export CHROMIUM ?= /usr/bin/chromium
APT_GET ?= apt-get
system-tools:
	@missing=""; \
	[ -x "$(CHROMIUM)" ] || missing="$$missing chromium"; \
	command -v redis-server >/dev/null || missing="$$missing redis-server"; \
	command -v java >/dev/null || missing="$$missing default-jre-headless"; \
	[ -n "$$missing" ] || exit 0; \
	if [ "$$(id -u)" = 0 ]; then as_root=env; \
	elif sudo -n true 2>/dev/null; then as_root="sudo -n env"; \
	else as_root=""; fi; \
	if [ -n "$$as_root" ]; then \
		echo "Installing$$missing from Debian's packages (browser tests, HTML validator, shared cache)"; \
		$$as_root $(APT_GET) update -qq && \
		$$as_root DEBIAN_FRONTEND=noninteractive $(APT_GET) install -y -qq $$missing; \
	fi; \
	[ -x "$(CHROMIUM)" ] && command -v java >/dev/null && command -v redis-server >/dev/null && exit 0; \
	if [ "$${CI:-}" = "true" ]; then \
		echo "ERROR:$$missing still missing; under CI the browser, HTML and cache tests must run."; \
		exit 1; \
	fi; \
	echo "WARNING:$$missing not installed (installing needs root or passwordless sudo):" \
		"the browser and HTML validator tests will be SKIPPED."

# Only the browser-side checks: axe-core, journeys and screenshots in Chromium (`-m browser`),
# the Nu validator, page weight and third-party requests. Screenshots: var/screenshots/<database>/.
test-browser: install system-tools
	DATABASE_URL=sqlite:///var/test.sqlite3 $(BIN)/pytest tests/browser

# Search benchmark at 1,000, 10,000 and 100,000 synthetic listings on both databases, cold and
# warm, with a bare view (docs/benchmarks.md). `bin/bench 1000 10000` for fewer sizes.
bench: install
	bin/bench

# Lighthouse scores of the home, search and profile pages (docs/lighthouse.md); needs npm.
lighthouse: install
	bin/lighthouse

# CSV import of 10,000 synthetic listings, new then unchanged, on both databases.
bench-import: install
	bin/bench-import

# gunicorn (gunicorn.conf.py) + PostgreSQL + Redis under wrk, 100 clients for 60 s: the bare
# view, then the mix of pages; prints throughput, p50/p99, errors (docs/deploy.md). Needs wrk.
load: install
	bin/load

# What visitors get while the database freezes and stops, the cache fills, a worker is killed
# and two imports collide (prints; asserts nothing; not in CI).
chaos: install
	bin/chaos

# Re-pin dependencies after changing pyproject.toml.
lock:
	rm -rf /tmp/pillars-lock && $(PYTHON) -m venv /tmp/pillars-lock
	/tmp/pillars-lock/bin/pip install --quiet -e ".[dev]"
	/tmp/pillars-lock/bin/pip freeze --exclude-editable > requirements.lock
	rm -rf /tmp/pillars-lock

clean:
	rm -rf $(VENV) var/*.sqlite3 var/static
