#!/usr/bin/env bash
# Builds famigraph, serves its embedded data on a free loopback port, runs the
# graphql-http audit suite against it (audit.mjs) and stops the server.
# Needs Go, Node.js and npm.  Usage: bash tools/graphql-http-audit/run.sh
set -euo pipefail
cd "$(dirname "$0")"
npm ci --no-audit --no-fund --loglevel=error

tmp=$(mktemp -d)
pid=
cleanup() {
  if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
  rm -rf "$tmp"
}
trap cleanup EXIT

go build -o "$tmp/famigraph" ../../cmd/famigraph
mkfifo "$tmp/stdout"
"$tmp/famigraph" serve --addr 127.0.0.1:0 --snapshot-dir "" >"$tmp/stdout" 2>"$tmp/log" &
pid=$!
exec 3<"$tmp/stdout"
# The first line of stdout names the address: "famigraph: serving on http://HOST:PORT/ ...".
if ! read -r -t 120 line <&3; then
  echo "the server did not start:" >&2
  cat "$tmp/log" >&2
  exit 1
fi
url=$(printf '%s\n' "$line" | sed -n 's#.*\(http://[^/ ]*\)/.*#\1/graphql#p')
echo "auditing $url"
node audit.mjs "$url"
