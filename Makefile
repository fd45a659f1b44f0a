# famigraph — common tasks. `make help` lists them.
GO ?= go

.PHONY: help run test test-short generate check-generated lint bench

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-18s %s\n", $$1, $$2}'

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
