# XinDang — the two commands: `make run` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
export XINDANG_DEV ?= 1

.PHONY: run test install migrate demo lint bench bench-pg bench-documents bench-credit bench-ledger bench-ageing bench-reports bench-load messages check clean

$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	@touch $(STAMP)

## A local .env for development (XINDANG_DEV=1, a random secret key), so that every command of the
## README also works outside make; never overwritten, never committed (.gitignore).
.env:
	@printf '%s\n' "# Local development settings written by make install; not for production." \
	  "XINDANG_DEV=1" "XINDANG_SECRET_KEY=$$($(PYTHON) -c 'import secrets; print(secrets.token_urlsafe(50))')" > .env
	@echo "wrote .env (development settings with a random secret key)"

install: $(STAMP) .env

migrate: install
	$(PY) manage.py migrate --noinput

demo: migrate
	$(PY) manage.py demo --if-empty

## Set up everything and run the app with demo data at http://127.0.0.1:8000
run: demo
	$(PY) manage.py demo --print-logins
	@# the task worker (customer imports) beside the web server; Ctrl-C stops both
	$(PY) manage.py worker & $(PY) manage.py runserver 127.0.0.1:8000

## Run every test (browser tests too when Debian's chromium is installed; otherwise says it skips them)
test: install
	$(PY) -m pytest $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check --extend-exclude migrations .
	$(VENV)/bin/lint-imports
	$(PY) manage.py makemigrations --check --dry-run

## Benchmarks (not tests): SQLite by default; `make bench-pg` on the local PostgreSQL
bench: install
	$(PY) bench/run.py $(BENCH_ARGS)

bench-pg: install
	$(PY) bench/run.py --engine postgresql $(BENCH_ARGS)

## Documents: upload MB/s beside a plain copy; the documents section of a 1,000-document file
bench-documents: install
	$(PY) bench/documents.py $(BENCH_ARGS)

bench-ledger: install  ## ledger: PostgreSQL, 100k customers, 5M entries (BENCH_ARGS="--engine sqlite" for the small set)
	$(PY) bench/ledger.py --engine postgresql $(BENCH_ARGS)

## Load: gunicorn on loopback, 32 connections; credit checks and file pages beside the HTTP floor (PostgreSQL)
bench-load: install
	$(PY) bench/load.py $(BENCH_ARGS)

## Credit check p50/p99 in-process and over HTTP beside the naive ledger sum and the floor (ledger bench data)
bench-credit: install
	$(PY) bench/credit_check.py $(BENCH_ARGS)

## Ageing report for 100k customers / 5M entries and the rating facts for all (PostgreSQL)
bench-ageing: install
	$(PY) bench/ageing.py --customers 100000 --per 50 $(BENCH_ARGS)

## Analysis pages and the credit dashboard p50/p95 beside the bare query (the ledger bench's kept PostgreSQL data set)
bench-reports: install
	$(PY) bench/reports.py $(BENCH_ARGS)

## Refresh the translation catalogue (needs GNU gettext; the compiled .mo is committed)
messages: install
	$(PY) manage.py makemessages -l zh_Hans --no-obsolete --no-location --no-wrap -i ".venv/*" -i "bench/*" -i "e2e/*"
	$(PY) manage.py compilemessages -l zh_Hans

clean:
	rm -rf var/xindang.sqlite3* var/cache
