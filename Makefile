# Likeness: `make run` sets everything up and serves; `make test` runs every suite.
SHELL := /bin/bash
.DEFAULT_GOAL := run

API := server/src/Likeness.Api
# Data (SQLite file and images) lives in ./data unless Likeness__DataDirectory says otherwise.
export Likeness__DataDirectory ?= $(CURDIR)/data
SLN := server/Likeness.slnx
# PostgreSQL runs every suite that touches the database again; the Local engine's and the Gemini
# client's own tests (no database) run once.
DB_FILTER := FullyQualifiedName!~Providers.Local&(FullyQualifiedName!~.Gemini.|FullyQualifiedName~GeminiApiTests)

.PHONY: run restore client build migrate reset-admin-password serve test test-server test-server-sqlite test-server-postgres test-client test-e2e bench clean

## run: restore, build the client and the server, serve on http://127.0.0.1:5080 (migrating and creating
## the bootstrap admin at start-up, so a generated admin password is the last thing printed)
run: restore client build serve

restore:
	dotnet restore $(SLN)

client:
	cd client && npm ci --no-audit --no-fund && npm run build

build:
	dotnet build $(API) -c Release --no-restore

migrate:
	dotnet run --project $(API) -c Release --no-launch-profile -- migrate

## reset-admin-password: give the bootstrap admin (Admin__Email, default admin@likeness.local) a new password and print it
reset-admin-password:
	dotnet run --project $(API) -c Release --no-launch-profile -- reset-admin-password

serve:
	dotnet run --project $(API) -c Release --no-launch-profile --no-build

## test: the API suites on SQLite and PostgreSQL, the client's unit tests, the end-to-end suite
test: test-server test-client test-e2e

test-server: test-server-sqlite test-server-postgres

# A test that runs 10 minutes is hung (the slowest take a few minutes on a loaded machine): vstest names it and
# stops the run, instead of the run waiting out CI's limit (a fresh-clone run once stopped making progress).
# Before that, when no test has finished for 2 minutes, xunit names the tests still running, every 2 minutes
# ("[Long Running Test]", set in server/tests/Likeness.Api.Tests/xunit.runner.json).
HANG := --blame-hang-timeout 10m --blame-hang-dump-type none

# scripts/with-s3rver.sh starts s3rver (a real S3-compatible server) so the S3 store's tests run against it too.
test-server-sqlite: restore
	scripts/with-server-errors.sh scripts/with-s3rver.sh dotnet test $(SLN) --no-restore $(HANG)

test-server-postgres: restore
	scripts/with-server-errors.sh scripts/with-s3rver.sh scripts/with-postgres.sh dotnet test $(SLN) --no-restore --filter "$(DB_FILTER)" $(HANG)

# The client's packages, installed again only when package-lock.json changed (npm ci rewrites the stamp).
CLIENT_DEPS := client/node_modules/.package-lock.json
$(CLIENT_DEPS): client/package-lock.json
	cd client && npm ci --no-audit --no-fund

test-client: $(CLIENT_DEPS)
	cd client && npm test

## test-e2e: the browser suite (@playwright/test, Debian's Chromium): builds the client (the one client build
## of `make test`); playwright.config.ts builds the Gemini emulator and the API, and starts them (the report
## and traces go to client/test-results/)
test-e2e: $(CLIENT_DEPS)
	scripts/ensure-chromium.sh
	cd client && npm run build && npm run typecheck:e2e && npm run e2e

## bench: the Local engine's speed and memory (BenchmarkDotNet), then the real server over the wire
## (bytes per edit turn, time to a job's first event with the Gemini emulator's 30 s model, a 4K edit's
## overhead, edits per second); both print Markdown tables. About 8-10 minutes on 2 cores.
WIRE_BENCH_ARGS ?=
bench:
	dotnet build server/bench/Likeness.WireBench -c Release # builds the server and the emulator too
	dotnet run --project server/bench/Likeness.Bench -c Release -- --filter '*'
	dotnet server/bench/Likeness.WireBench/bin/Release/net10.0/Likeness.WireBench.dll $(CURDIR) $(WIRE_BENCH_ARGS)

clean:
	rm -rf server/src/*/bin server/src/*/obj server/tests/*/bin server/tests/*/obj client/node_modules $(API)/wwwroot
