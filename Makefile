# Huamu (花木通). `make help` lists the targets.
SHELL := /bin/bash
.DEFAULT_GOAL := help

# Every target that needs PostgreSQL and Redis goes through this: it reuses
# the ones that answer (DATABASE_URL / REDIS_URL, else 127.0.0.1) and starts
# private ones in .data/ otherwise.
SERVICES := eval "$$(internal/devenv/services.sh)"
FUZZTIME ?= 5s

.PHONY: help run build test unit fuzz-short fuzz bench lint migrate services stop-services

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-14s %s\n", $$1, $$2}'

build: ## build bin/huamu
	go build -o bin/huamu ./cmd/huamu

run: build ## start PostgreSQL, Redis, the SMSC simulator, the exchange and the back office
	@$(SERVICES) && ./bin/huamu demo

test: ## run every test (real PostgreSQL and Redis), vet, and a short fuzz of every decoder
	@$(SERVICES) && $(MAKE) --no-print-directory lint unit fuzz-short

unit:
	go test -count=1 -timeout 15m ./...

fuzz-short: ## run each fuzz target for FUZZTIME (default 5s)
	@internal/devenv/fuzz.sh $(FUZZTIME)

fuzz: ## fuzz each target for a minute
	@$(MAKE) --no-print-directory fuzz-short FUZZTIME=60s

bench: ## run the benchmarks
	@$(SERVICES) && go test -run '^$$' -bench . -benchmem ./...

lint: ## go vet, gofmt, and no tracked file over 1 MB that is not meant
	@internal/devenv/bigfiles.sh
	go vet ./...
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
		if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi

migrate: build ## apply pending migrations to DATABASE_URL
	@$(SERVICES) && ./bin/huamu migrate

services: ## print the environment for PostgreSQL and Redis, starting them if needed
	@internal/devenv/services.sh

stop-services: ## stop the private PostgreSQL and Redis started in .data/
	@internal/devenv/services.sh stop
