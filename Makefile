# CashSheet: `make demo` and `make test` are all a fresh machine needs.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
HOST   ?= 127.0.0.1
PORT   ?= 8000
export CASHSHEET_WEBHOOK_ALLOW_PRIVATE ?= 1

.PHONY: install chromium client-tools demo test screenshots lint format migrate serve stop bench bench-cluster bench-silos fuzz clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev,embedded]"
	touch $(STAMP)

install: $(STAMP)

## chromium: the browser the UI tests drive (Playwright with Debian's chromium; browser downloads do not work)
chromium:
	@command -v chromium >/dev/null || [ -x /usr/bin/chromium ] || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq --no-install-recommends chromium >/dev/null; }

## client-tools: what tests/test_generated_clients.py drives — openapi-python-client in a venv of its own
## (clients/.venv: its pins are not ours) and openapi-typescript + tsc from clients/package-lock.json (npm ci),
## the latter only where node is installed (the TypeScript test skips, saying so, where it is not).
CLIENT_VENV  := clients/.venv
CLIENT_STAMP := $(CLIENT_VENV)/.installed
NODE_STAMP   := clients/node_modules/.installed

$(CLIENT_STAMP): clients/python/requirements.txt
	$(PYTHON) -m venv $(CLIENT_VENV)
	$(CLIENT_VENV)/bin/python -m pip install --quiet -r clients/python/requirements.txt
	touch $(CLIENT_STAMP)

$(NODE_STAMP): clients/package.json clients/package-lock.json
	cd clients && npm ci --no-audit --no-fund --loglevel=error
	touch $(NODE_STAMP)

client-tools: $(CLIENT_STAMP)
	@if command -v npm >/dev/null; then $(MAKE) --no-print-directory $(NODE_STAMP); \
	  else echo "node/npm not installed: the TypeScript client test will be skipped"; fi

migrate: install
	$(PY) manage.py migrate_all --verbosity 0

## demo: install, start embedded services, migrate, seed silo `blythe`, serve on 127.0.0.1:8000 with a worker
demo: migrate
	DEBUG=1 $(PY) manage.py seed_demo
	DEBUG=1 $(PY) -m cashsheet.demo --host $(HOST) --port $(PORT)

## test: install, lint (ruff, the import contracts in pyproject.toml) and run the whole suite (browser journeys too)
test: install chromium client-tools
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(VENV)/bin/lint-imports
	$(PY) -m pytest

## screenshots: run the browser journeys and keep their screenshots in docs/ui/ (shown in the README)
screenshots: install chromium
	CASHSHEET_UI_SCREENSHOTS=1 $(PY) -m pytest tests/browser -q

lint: install
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(VENV)/bin/lint-imports

format: install
	$(PY) -m ruff format .
	$(PY) -m ruff check --fix .

serve: migrate
	$(VENV)/bin/gunicorn cashsheet.wsgi -w 2 -b $(HOST):$(PORT)

stop:
	$(PY) -c "from cashsheet import embedded; embedded.stop()"

## bench: every benchmark in turn (minutes; needs wrk: apt-get install -y wrk). Figures go to BENCHMARKS.md.
bench: migrate
	@command -v wrk >/dev/null || { echo "bench needs wrk: apt-get install -y wrk"; exit 1; }
	for b in api_list inventory ledger atp webhooks ratelimit sales lots; do $(PY) bench/$$b.py || exit 1; done

## bench-cluster: two web nodes behind nginx, 2 Celery workers, beat, own PostgreSQL and Redis; mixed locust
## workload with faults (~10 min). Installs nginx from Debian when missing. Figures go to BENCHMARKS.md.
bench-cluster: install
	@command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || { apt-get update && apt-get install -y nginx; }
	$(PY) bench/cluster.py run --seconds 180 --fault-seconds 300 --write

## bench-silos: 1,000 silos in a database of their own (needs DATABASE_URL; ~15 min). Figures to BENCHMARKS.md.
bench-silos: install
	$(PY) bench/silos_1000.py --write

## fuzz: hostile values into every parameter and field of every operation of a running server (make demo);
## TOKEN=<a token of the silo> [URL=http://127.0.0.1:8000] [SILO_HOST=blythe.localhost]. Lists every 5xx or non-JSON answer.
fuzz: install
	$(PY) -m cashsheet.testing.fuzz --url $${URL:-http://$(HOST):$(PORT)} --host $${SILO_HOST:-blythe.localhost} --token $(TOKEN)

clean: stop
	rm -rf $(VENV) .embedded
