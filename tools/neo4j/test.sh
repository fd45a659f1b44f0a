#!/usr/bin/env bash
# test.sh — make test-neo4j: the whole Neo4j suite against a fresh, real
# Neo4j Community server (tools/neo4j/neo4j.sh), stopped whatever happens.
#
#   1. start a fresh Neo4j in a temporary home; print `neo4j: <edition> <version>`
#   2. famigraph migrate twice, famigraph seed twice: the second seed must
#      report nothing created, updated or deleted
#   3. every Go test of the packages whose tests use Neo4j, with -race and
#      NEO4J_URI set, FAMIGRAPH_REQUIRE_NEO4J=1 (a test that would skip for
#      want of Neo4j fails instead) and FAMIGRAPH_NEO4J_SCRIPT (the fault
#      tests start servers of their own); any skip naming Neo4j fails the run
#   4. the Neo4j benchmarks once each at scale 1 (they must run, not skip)
set -euo pipefail
cd "$(dirname "$0")/../.."
root="$PWD"
script="$root/tools/neo4j/neo4j.sh"
GO="${GO:-go}"
started=$(date +%s)

step() { printf '\n== test-neo4j: %s\n' "$*"; }
fail() { printf 'test-neo4j: FAIL: %s\n' "$*" >&2; exit 1; }

work="$(mktemp -d "${TMPDIR:-/tmp}/famigraph-test-neo4j.XXXXXX")"
home="$work/neo4j"
cleanup() {
  local rc=$?
  set +e
  trap '' INT TERM # finish cleaning up whatever arrives
  "$script" stop --home "$home"
  # Any server a fault test left running (a test binary killed by its
  # timeout runs no clean-up): their homes are all in $work.
  local pidfile pidfiles
  pidfiles="$(find "$work" -name neo4j.pid 2>/dev/null)"
  for pidfile in $pidfiles; do
    "$script" stop --home "$(dirname "$pidfile")"
  done
  rm -rf "$work"
  printf 'test-neo4j: %s in %ss\n' "$([ $rc = 0 ] && echo PASS || echo FAIL)" "$(( $(date +%s) - started ))" >&2
  exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

step "resolve Neo4j and start a fresh server"
"$script" fetch >/dev/null
out="$("$script" start --home "$home")"
uri="$(printf '%s\n' "$out" | sed -n 's/^NEO4J_URI=//p' | tail -n 1)"
[ -n "$uri" ] || fail "neo4j.sh start printed no NEO4J_URI"
export NEO4J_URI="$uri" NEO4J_USER="" NEO4J_PASSWORD="" NEO4J_DATABASE=""
echo "NEO4J_URI=$NEO4J_URI"
"$GO" run ./internal/neo4jstore/cmd/neo4jversion

step "famigraph migrate twice, famigraph seed twice"
"$GO" build -o "$work/famigraph" ./cmd/famigraph
"$work/famigraph" migrate
"$work/famigraph" migrate
"$work/famigraph" seed | tee "$work/seed1.txt"
"$work/famigraph" seed | tee "$work/seed2.txt"
for what in nodes relationships; do
  line="$(grep -E "^  $what: " "$work/seed2.txt" || true)"
  [[ "$line" =~ :\ +0\ created,\ 0\ updated,\ [1-9][0-9]*\ unchanged,\ 0\ deleted$ ]] \
    || fail "the second seed changed $what: '$line'"
done
echo "second seed: nothing created, updated or deleted"

step "Go tests that need Neo4j (-race, NEO4J_URI set, no skip allowed)"
# The packages whose tests use Neo4j: they import internal/neo4jtest.
mapfile -t pkgs < <(grep -rl --include='*_test.go' 'internal/neo4jtest"' . | xargs -n1 dirname | sort -u)
[ "${#pkgs[@]}" -gt 0 ] || fail "no test imports internal/neo4jtest"
echo "packages: ${pkgs[*]}"
export FAMIGRAPH_TEST_NEO4J_WIPE=1 FAMIGRAPH_REQUIRE_NEO4J=1 FAMIGRAPH_NEO4J_SCRIPT="$script"
# -p 1: the packages share one database. TMPDIR: the fault tests' servers
# live in the tests' temporary directories, inside $work.
mkdir -p "$work/tmp"
set +e
TMPDIR="$work/tmp" "$GO" test -race -count=1 -p 1 -timeout 20m -json "${pkgs[@]}" >"$work/test.json"
rc=$?
set -e
"$GO" run ./tools/neo4j/testreport <"$work/test.json" || rc=1
[ $rc = 0 ] || fail "Go tests against Neo4j"

step "Neo4j benchmarks, once each at scale 1 (they must run, not skip)"
set +e
"$GO" test ./internal/bench -run '^$' -bench 'Query/neo4j/' -benchtime 1x -count 1 -timeout 10m \
  -args -bench.scales=1 >"$work/bench.txt" 2>&1
rc=$?
set -e
grep -E '^(Benchmark|--- (SKIP|FAIL)|ok|FAIL)' "$work/bench.txt" || true
[ $rc = 0 ] || { cat "$work/bench.txt"; fail "the Neo4j benchmarks"; }
ran="$(grep -cE '^BenchmarkQuery/neo4j/scale=1/.* ns/op' "$work/bench.txt" || true)"
if grep -qE 'NEO4J_URI|--- FAIL' "$work/bench.txt" || [ "$ran" -lt 5 ]; then
  cat "$work/bench.txt"
  fail "the Neo4j benchmarks did not all run ($ran ran)"
fi
