#!/usr/bin/env bash
# fuzz.sh PACKAGE TARGET FUZZTIME — runs one fuzz target (make fuzz).
#
# Go 1.26's fuzzing coordinator can report a bare "context deadline exceeded"
# failure when -fuzztime runs out while a worker is still busy, with no input
# found (golang/go#75804, fixed in Go 1.27). A real finding always writes its
# input ("Failing input written to testdata/fuzz/..."): so a failure with that
# message and no written input is run once more, and any other failure fails.
set -uo pipefail
pkg=$1 target=$2 fuzztime=$3
GO="${GO:-go}"
for attempt in 1 2; do
  out=$("$GO" test -run '^$' -fuzz "^${target}\$" -fuzztime "$fuzztime" "$pkg" 2>&1)
  rc=$?
  printf '%s\n' "$out"
  [ $rc -eq 0 ] && exit 0
  if [ $attempt -eq 1 ] && grep -q 'context deadline exceeded' <<<"$out" && ! grep -q 'Failing input written' <<<"$out"; then
    echo "fuzz.sh: $target stopped with Go's fuzztime race (golang/go#75804), no input written: running it once more" >&2
    continue
  fi
  exit $rc
done
