# famigraph — common tasks. `make help` lists them.
GO ?= go

.PHONY: help run test test-short generate check-generated lint bench

help: ## list the targets
	@grep -E '^[a-z0-9-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-18s %s\n", $$1, $$2}'

run: ## serve the API with the embedded data on http://127.0.0.1:8080/
	$(GO) run ./cmd/famigraph serve

test: ## run every test with the race detector
	$(GO) test -race -count=1 ./...

generate: ## regenerate the gqlgen code from schema.graphqls
	$(GO) generate ./...

check-generated: generate ## fail if the generated code is not current
	@git diff --exit-code -- graph/ || (echo "generated code is stale: run 'make generate' and commit" >&2; exit 1)
	@test -z "$$(git status --porcelain -- graph/)" || (git status --porcelain -- graph/ >&2; echo "generate left untracked files" >&2; exit 1)

lint: ## gofmt and go vet
	@test -z "$$(gofmt -l .)" || (gofmt -l . >&2; echo "gofmt would change these files" >&2; exit 1)
	$(GO) vet ./...

bench: ## Go benchmarks of the core queries (embedded store; Neo4j too when NEO4J_URI is set)
	$(GO) test -run '^$$' -bench . -benchmem ./...

.PHONY: cypher-check
cypher-check: ## check every Cypher statement of the Neo4j adapter with Neo4j's own analyser (Node.js + npm)
	cd tools/cypher-check && npm ci --no-audit --no-fund --loglevel=error
	$(GO) run ./internal/neo4jstore/cmd/cypherstatements > tools/cypher-check/statements.json
	node tools/cypher-check/check.mjs tools/cypher-check/statements.json

.PHONY: http-audit
http-audit: ## run the graphql-http audit suite (GraphQL over HTTP) against the built server (Node.js + npm)
	bash tools/graphql-http-audit/run.sh

FUZZTIME ?= 10s
.PHONY: fuzz
fuzz: ## run each fuzz target for FUZZTIME (default 10s; tools/fuzz.sh runs a target again after Go 1.26's fuzztime race, never after a found input)
	GO=$(GO) tools/fuzz.sh ./internal/kg FuzzParseID $(FUZZTIME)
	GO=$(GO) tools/fuzz.sh ./internal/kg FuzzSearchTerms $(FUZZTIME)
	GO=$(GO) tools/fuzz.sh ./internal/memstore FuzzSearch $(FUZZTIME)
	GO=$(GO) tools/fuzz.sh ./internal/seed FuzzLoad $(FUZZTIME)
	GO=$(GO) tools/fuzz.sh ./internal/seed FuzzFastDecode $(FUZZTIME)

# Benchmarks and load test (docs/benchmarks.md). Flags pass through: e.g.
# make bench-http BENCH_HTTP_FLAGS='--clients 64 --cpuprofile cpu.out',
# make loadtest LOADTEST_FLAGS='--response-cache=0' (the server without its response cache),
# make bench-scale BENCH_RUN=StartupToReady BENCH_SCALES=100 BENCH_COUNT=5.
BENCH_HTTP_FLAGS ?=
LOADTEST_FLAGS ?=
BENCH_RUN ?= .
BENCH_SCALES ?= 1,10,100
BENCH_COUNT ?= 3
.PHONY: bench-scale bench-http loadtest
bench-scale: ## Go benchmarks of the core queries at scale 1, 10 and 100: time, CPU, allocations, store calls, memory, start-up cold and warm (3 runs)
	$(GO) test ./internal/bench -run '^$$' -bench '$(BENCH_RUN)' -benchmem -count $(BENCH_COUNT) -timeout 30m -args -bench.scales=$(BENCH_SCALES)

bench-http: ## the map query over HTTP on loopback, with and without the response cache, against a floor serving the same bytes: throughput, p50/p99, ratios
	$(GO) run ./cmd/famigraph-bench http $(BENCH_HTTP_FLAGS)

loadtest: ## bounded load test on loopback (64 clients, 30 s, serve's defaults); fails on any error, heap growth or leaked goroutine
	$(GO) run ./cmd/famigraph-bench load $(LOADTEST_FLAGS)

# The browser pages (web/): GraphiQL at / and the explorer at /explore. Their
# build, internal/webui/dist, is committed and embedded in the binary, so
# that serving them needs no Node.js; CI rebuilds it from the lock file and
# fails when the committed build is stale, as for gqlgen's code.
.PHONY: web check-web test-web
web: ## rebuild the browser pages (GraphiQL, explorer) into internal/webui/dist from web/ (Node.js 20.19+ and npm)
	cd web && npm ci --no-audit --no-fund --loglevel=error && npm run build

check-web: web ## fail if the committed build of the browser pages is not what web/ builds
	@git diff --exit-code --stat -- internal/webui/dist || (echo "the browser pages' build is stale: run 'make web' and commit internal/webui/dist" >&2; exit 1)
	@test -z "$$(git status --porcelain -- internal/webui/dist)" || (git status --porcelain -- internal/webui/dist >&2; echo "the build left untracked files: run 'make web' and commit" >&2; exit 1)

BROWSER_BIN ?= $(CURDIR)/tmp/famigraph-browser
test-web: ## browser tests of / and /explore in Chromium (/usr/bin/chromium, playwright-core); screenshots in $$CI_ARTIFACTS or /tmp/famigraph-artifacts
	@mkdir -p $(dir $(BROWSER_BIN))
	$(GO) build -o $(BROWSER_BIN) ./cmd/famigraph
	cd web && { test -d node_modules || npm ci --no-audit --no-fund --loglevel=error; }
	cd web && FAMIGRAPH_BIN=$(BROWSER_BIN) npm test

OVERLOAD_FLAGS ?=
.PHONY: loadtest-overload
loadtest-overload: ## overload test on loopback (the server in its own process, serve's defaults): 32, 256 and 1,024 clients on uncached map queries (10 s each, retries spread by up to 0.5 x Retry-After); fails unless every request is answered (200 or 503 OVERLOADED), p99 of served ones within 2x of 32 clients', heap stable
	$(GO) run ./cmd/famigraph-bench overload $(OVERLOAD_FLAGS)

# A real Neo4j Community server (tools/neo4j/neo4j.sh; jars from Maven
# Central, cached in $(FAMIGRAPH_CACHE) outside the repository).
.PHONY: neo4j-up neo4j-down test-neo4j
neo4j-up: ## start a local Neo4j 5 Community (Java 17, Maven); last line: NEO4J_URI=bolt://127.0.0.1:PORT
	@tools/neo4j/neo4j.sh start

neo4j-down: ## stop the Neo4j of make neo4j-up
	@tools/neo4j/neo4j.sh stop

test-neo4j: ## every Neo4j test, -race, against a fresh real Neo4j (fails if any skips); stops it afterwards
	@GO=$(GO) tools/neo4j/test.sh

# famigraph against @neo4j/graphql on the same real Neo4j (tools/peer;
# Node.js, npm, Java 17, Maven). docs/benchmarks.md records the figures.
PEER_SCALE ?= 1
PEER_BENCH_FLAGS ?=
.PHONY: bench-peer check-peer
bench-peer: ## famigraph vs @neo4j/graphql on one fresh Neo4j (PEER_SCALE=1; 10 for scale 10): same answers, then 32 clients in alternating rounds; last line: the ratios
	@GO=$(GO) PEER_SCALE=$(PEER_SCALE) PEER_BENCH_FLAGS='$(PEER_BENCH_FLAGS)' tools/peer/bench.sh bench

check-peer: ## famigraph and @neo4j/graphql answer the map and partnership queries with the same content, on a fresh Neo4j
	@GO=$(GO) PEER_SCALE=$(PEER_SCALE) tools/peer/bench.sh check
