# Two commands do all set-up on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
TEST_DATABASE_URL ?= postgresql://postgres@127.0.0.1:5432/test

.PHONY: demo demo-from-2022 cluster policy test test-sqlite test-postgres lint bench clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[test]'
	touch $@

# The portal's secret key: random, made once, kept in instance/ (never committed), readable by
# its owner only. The portal refuses to start without one.
KEY := instance/secret_key
$(KEY):
	@mkdir -p instance
	@umask 077; $(PYTHON) -c 'import secrets; print(secrets.token_hex(32))' > $@
	@echo "made a random secret key in $@"

## demo: the main job: migrate, load the demo register once, replay the 2023 campaign up to
## 20 September 2023 (the 15 September offers out, answers coming in), set the story of that day
## (negotiations running, fresh applications), and serve the portal under gunicorn (portal serve)
## with its scheduler and the policy lab's worker at http://127.0.0.1:5000 (accounts in the
## README). Ctrl-C stops all three. Start over: portal demo reset.
DEMO_DATE ?= 2023-09-20
demo: $(VENV)/.installed $(KEY)
	$(VENV)/bin/portal db upgrade
	$(VENV)/bin/portal demo load --if-empty --no-applications $(if $(DEMO_FROM),--from $(DEMO_FROM))
	$(VENV)/bin/portal simulate --to $(DEMO_DATE)
	$(VENV)/bin/portal demo story
	@echo "Zorginkoop portaal: http://127.0.0.1:5000  (demo-accounts: zie README)"
	$(VENV)/bin/portal scheduler run --interval 5 --simulate-answers & scheduler=$$!; \
		$(VENV)/bin/portal lab worker --interval 2 & lab=$$!; \
		trap 'kill $$scheduler $$lab 2>/dev/null' EXIT INT TERM; \
		$(VENV)/bin/portal serve --host 127.0.0.1 --port 5000

## demo-from-2022: as demo, but the register stands on 1 May 2022: the 2023 campaign (run in
## 2022), then the 2024 one on the agreements the first concluded. On an existing database:
## portal demo reset --yes --from 2022-05-01 first.
demo-from-2022: DEMO_FROM = 2022-05-01
demo-from-2022: demo

## cluster: the portal as several instances on one database (Procfile, run by honcho): two web
## servers on ports 5001 and 5002, two schedulers (one leads, one stands by), two bulk-issue
## workers and the policy lab's worker. Migrates and loads the demo register first, as make demo. DATABASE_URL=postgresql://...
## for a database several hosts can share; RATELIMIT_STORAGE_URI=redis://127.0.0.1:6379/0 to count
## the login limit in Redis (the database otherwise).
cluster: $(VENV)/.installed $(KEY)
	$(VENV)/bin/portal db upgrade
	$(VENV)/bin/portal demo load --if-empty --no-applications
	PATH="$(CURDIR)/$(VENV)/bin:$$PATH" $(VENV)/bin/honcho start -f Procfile

## policy: the 2024 decision table, the 2023 calendar and one sample document of each kind.
policy: $(VENV)/.installed $(KEY)
	$(VENV)/bin/portal policy table --year 2024
	$(VENV)/bin/portal calendar --year 2023
	$(VENV)/bin/portal db upgrade
	$(VENV)/bin/portal documents samples --out instance/demo

## test: the whole suite on SQLite, then again on PostgreSQL when one is reachable.
# pytest's own exit status is kept: 5 (no tests collected) fails the run like any other failure.
test: test-sqlite test-postgres

# axe-core for the accessibility checks of tests/browser, from npm into a cache that is not
# committed. Without network (or npm) the checks are skipped, unless REQUIRE_CHROMIUM is set.
AXE := .cache/axe/node_modules/axe-core/axe.min.js
$(AXE):
	@npm install --no-save --no-audit --no-fund --prefix .cache/axe axe-core@4.14.1 \
		|| if [ -n "$$REQUIRE_CHROMIUM" ]; then \
			echo "axe-core is required here (REQUIRE_CHROMIUM is set) but could not be fetched"; exit 1; \
		else echo "axe-core not fetched: the browser journeys skip their axe checks"; fi

test-sqlite: $(VENV)/.installed $(AXE)
	TEST_DATABASE_URL= $(PY) -m pytest

test-postgres: $(VENV)/.installed
	@if $(PY) tests/support/pg_reachable.py "$(TEST_DATABASE_URL)"; then \
		echo "== the suite again on PostgreSQL ($(TEST_DATABASE_URL))"; \
		TEST_DATABASE_URL="$(TEST_DATABASE_URL)" $(PY) -m pytest; \
	elif [ -n "$$REQUIRE_POSTGRES" ]; then \
		echo "PostgreSQL is required here (REQUIRE_POSTGRES is set) but not reachable"; exit 1; \
	else \
		echo "PostgreSQL not reachable: the suite ran on SQLite only"; \
	fi

## lint: the style (ruff) and the layering (import-linter's contracts in pyproject.toml); the
## suite runs both too (tests/test_layering.py), so `make test` fails on either.
lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports

$(VENV)/.bench: pyproject.toml $(VENV)/.installed
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[test,bench]'
	touch $@

## bench: every benchmark, printing its figures (the load and scale benches need PostgreSQL at
## $(BENCH_DATABASE_URL) and $(SCALE_DATABASE_URL)); nothing asserts on time.
BENCH_DATABASE_URL ?= postgresql://postgres@127.0.0.1:5432/loadbench
SCALE_DATABASE_URL ?= postgresql://postgres@127.0.0.1:5432/scalebench
bench: $(VENV)/.bench
	$(PY) bench/decide_bench.py
	$(PY) bench/profile_bench.py
	$(PY) bench/documents.py
	$(PY) bench/campaign.py all
	$(PY) bench/lab.py
	$(PY) bench/load.py --database-url $(BENCH_DATABASE_URL)
	$(PY) bench/scale.py --database-url $(SCALE_DATABASE_URL)

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis .cache
