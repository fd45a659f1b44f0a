#!/usr/bin/env bash
# bench.sh — famigraph against @neo4j/graphql on the same real Neo4j
# (docs/benchmarks.md, "famigraph vs @neo4j/graphql").
#
#   tools/peer/bench.sh bench    make bench-peer: check, then measure; the
#                                last line is
#                                famigraph/@neo4j/graphql: throughput X.XX×, p99 Y.YY×
#   tools/peer/bench.sh check    make check-peer: both answer the map query
#                                (and the partnership query) with the same content
#
#   1. npm ci in tools/peer (the lock file pins @neo4j/graphql and the rest)
#   2. a fresh Neo4j Community in a temporary home (tools/neo4j/neo4j.sh:
#      Java 17 and Maven)
#   3. famigraph seed: the real seed (PEER_SCALE=0) or `famigraph gen
#      --scale N` (default 1, rand seed 1: the networks of make bench-scale)
#   4. bench only: the Cypher @neo4j/graphql generates for each query, from
#      its debug log, into $PEER_OUT (default tmp/bench-peer)
#   5. famigraph serve (NEO4J_URI set, serve's defaults but --max-in-flight 0)
#      and tools/peer/server.mjs, each on a free 127.0.0.1 port
#   6. famigraph-bench peer: the check, then alternating rounds
# Everything started is stopped whatever happens.
#
# Environment: PEER_SCALE (default 1), PEER_WORKERS (processes of the peer;
# default one per CPU), PEER_BENCH_FLAGS (more flags for famigraph-bench
# peer, e.g. '--rounds 3 --duration 3s'), PEER_OUT, GO, NEO4J_HEAP,
# NEO4J_PAGECACHE.
set -euo pipefail
cd "$(dirname "$0")/../.."
root="$PWD"
mode="${1:-bench}"
case "$mode" in bench | check) ;; *) echo "usage: $0 bench|check" >&2; exit 2 ;; esac
GO="${GO:-go}"
scale="${PEER_SCALE:-1}"
out="${PEER_OUT:-$root/tmp/bench-peer}"
script="$root/tools/neo4j/neo4j.sh"
started=$(date +%s)

step() { printf '\n== %s-peer: %s\n' "$mode" "$*" >&2; }
fail() { printf '%s-peer: FAIL: %s\n' "$mode" "$*" >&2; exit 1; }

work="$(mktemp -d "${TMPDIR:-/tmp}/famigraph-bench-peer.XXXXXX")"
home="$work/neo4j"
procs=() # PIDs of the servers started here

stop_pid() { # stop_pid PID: SIGTERM, wait up to 15 s, then SIGKILL
  local pid=$1 i
  kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM "$pid" 2>/dev/null || true
  for i in $(seq 1 75); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.2; done
  kill -KILL "$pid" 2>/dev/null || true
}
cleanup() {
  local rc=$? pid
  set +e
  trap '' INT TERM
  for pid in "${procs[@]}"; do stop_pid "$pid"; done
  [ -d "$home" ] && "$script" stop --home "$home"
  rm -rf "$work"
  printf '%s-peer: %s in %ss\n' "$mode" "$([ $rc = 0 ] && echo done || echo FAIL)" "$(( $(date +%s) - started ))" >&2
  exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# wait_line FILE PATTERN PID: wait until FILE has a line matching PATTERN
# (printed), failing if PID exits or 90 s pass.
wait_line() {
  local file=$1 pattern=$2 pid=$3 deadline=$((SECONDS + 90))
  until grep -qE "$pattern" "$file" 2>/dev/null; do
    if ! kill -0 "$pid" 2>/dev/null; then tail -n 20 "$file" >&2; fail "process $pid exited (log: $file)"; fi
    [ "$SECONDS" -lt "$deadline" ] || { tail -n 20 "$file" >&2; fail "no '$pattern' in $file within 90 s"; }
    sleep 0.2
  done
  grep -m1 -E "$pattern" "$file"
}

# start_peer LOG [ENV...]: the peer on a free port; sets peer_pid, peer_url
# and peer_pids (its processes, for their CPU time: pid+pid...). Not a
# command substitution: the server must be this shell's child, for cleanup
# to stop it.
start_peer() {
  local log=$1 line; shift
  env "$@" node "$root/tools/peer/server.mjs" --port 0 >"$log" 2>&1 &
  peer_pid=$!
  procs+=("$peer_pid")
  line="$(wait_line "$log" '^peer: @neo4j/graphql on http' "$peer_pid")"
  peer_url="$(sed -E 's/.* on (http[^ ,]*).*/\1/' <<<"$line")"
  peer_pids="$peer_pid+$(sed -E 's/.*\(pids ([0-9 ]*)\).*/\1/; s/ /+/g' <<<"$line")"
}

step "@neo4j/graphql and graphql-yoga from tools/peer/package-lock.json (npm ci)"
command -v node >/dev/null || fail "Node.js is not installed (apt-get install nodejs npm)"
(cd tools/peer && npm ci --no-audit --no-fund --loglevel=error)

step "build famigraph and famigraph-bench"
"$GO" build -o "$work/famigraph" ./cmd/famigraph
"$GO" build -o "$work/famigraph-bench" ./cmd/famigraph-bench

step "a fresh Neo4j (tools/neo4j/neo4j.sh)"
"$script" fetch >/dev/null
uri="$("$script" start --home "$home" | sed -n 's/^NEO4J_URI=//p' | tail -n 1)"
[ -n "$uri" ] || fail "neo4j.sh start printed no NEO4J_URI"
# A Neo4j just started on a busy machine may take more than the default 3 s
# to answer its first connection.
export NEO4J_URI="$uri" NEO4J_USER="" NEO4J_PASSWORD="" NEO4J_DATABASE="" NEO4J_CONNECT_TIMEOUT=30s
echo "NEO4J_URI=$NEO4J_URI" >&2

step "famigraph seed (scale $scale)"
if [ "$scale" = 0 ]; then
  "$work/famigraph" seed --seed seed >&2
else
  "$work/famigraph" gen --scale "$scale" --rand-seed 1 --seed seed --out "$work/seed" >&2
  "$work/famigraph" seed --seed "$work/seed" >&2
fi

if [ "$mode" = bench ]; then
  step "the Cypher @neo4j/graphql generates (its debug log) into $out"
  mkdir -p "$out"
  start_peer "$work/peer-debug.log" DEBUG='@neo4j/graphql:execution' PEER_WORKERS=1
  "$work/famigraph-bench" peer --scale "$scale" --write-queries "$work/queries"
  for q in map partners; do
    # The log's new lines only (the server keeps writing at its offset).
    from=$(($(wc -l <"$work/peer-debug.log") + 1))
    node -e 'fetch(process.argv[1], {method: "POST", headers: {"content-type": "application/json"},
        body: require("fs").readFileSync(process.argv[2])}).then(async (r) => { await r.text(); if (!r.ok) process.exit(1) })' \
      "$peer_url" "$work/queries/peer-$q.json"
    tail -n +"$from" "$work/peer-debug.log" >"$work/peer-debug-$q.log"
    # The statement: from the line after "CYPHER 5" to the one before
    # "cypher params"; the version check (dbms.components) each process
    # sends once is not the request's.
    awk '/@neo4j\/graphql:execution CYPHER 5/{grab=1; buf=""; next}
         /@neo4j\/graphql:execution cypher params/{if (grab && buf !~ /^CALL dbms.components/) {last=buf; n++}; grab=0}
         grab{buf=buf $0 "\n"}
         END{printf "%s", last; print n + 0 >"/dev/stderr"}' "$work/peer-debug-$q.log" >"$out/peer-$q.cypher" 2>"$work/n"
    printf '@neo4j/graphql, %s: %s statement(s) for the request; its statement: %s bytes, %s lines (%s)\n' \
      "$q" "$(cat "$work/n")" "$(wc -c <"$out/peer-$q.cypher")" "$(wc -l <"$out/peer-$q.cypher")" "$out/peer-$q.cypher"
  done
  stop_pid "$peer_pid"
fi

step "famigraph serve from Neo4j and @neo4j/graphql, on free ports"
# serve's defaults, except --max-in-flight 0: its admission bound (2 per
# CPU, and a queue as long) would answer most of 32 clients with 503; both servers queue instead;
# and --timeout 10m: the peer has no request timeout, and 32 clients of the
# map query at scale 10 queue for more than serve's 10 s.
"$work/famigraph" serve --addr 127.0.0.1:0 --max-in-flight 0 --timeout 10m --snapshot-dir "" >"$work/famigraph.log" 2>&1 &
fg_pid=$!
procs+=("$fg_pid")
fg_url="$(wait_line "$work/famigraph.log" '^famigraph: serving on http' "$fg_pid" | sed -E 's/.* on (http:[^ ]*)\/ .*/\1/')"
start_peer "$work/peer.log"
echo "famigraph: $fg_url; @neo4j/graphql: $peer_url" >&2

neo4j_pid="$(cat "$home/neo4j.pid")"
flags=(--famigraph "$fg_url" --peer "$peer_url" --scale "$scale")
if [ "$mode" = check ]; then
  step "both answer alike"
  "$work/famigraph-bench" peer "${flags[@]}" --check-only
else
  step "famigraph-bench peer (famigraph $(git rev-parse --short HEAD 2>/dev/null || echo '?'), scale $scale, $(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg))"
  # shellcheck disable=SC2086 # PEER_BENCH_FLAGS is a list of flags
  "$work/famigraph-bench" peer "${flags[@]}" --cpu "famigraph=$fg_pid,peer=$peer_pids,neo4j=$neo4j_pid" ${PEER_BENCH_FLAGS:-}
fi
