#!/usr/bin/env bash
# neo4j.sh — a local Neo4j Community server for development and CI, from the
# jars Maven Central publishes (the real engine: the one the official tarball
# and Docker image run).
#
#   neo4j.sh fetch                 resolve the jars once into the cache
#   neo4j.sh start [options]       start a server and wait until Bolt answers;
#                                  the last line printed is NEO4J_URI=bolt://127.0.0.1:PORT
#   neo4j.sh stop [options]        stop it by its PID: SIGTERM, wait, then SIGKILL
#   neo4j.sh kill [options]        SIGKILL at once (fault tests)
#   neo4j.sh status [options]      exit 0 if the server is running
#
# options:
#   --home DIR        the server's home (conf, data, logs, PID file); default
#                     $FAMIGRAPH_CACHE/run/default. `start` wipes it unless --keep.
#   --keep            start on an existing home: same port, same data (restarts)
#   --port N          Bolt port (default: a free one; with --keep, the previous one)
#   --password PW     enable authentication, with user neo4j and password PW
#   --signal SIG      for stop: the first signal (default TERM)
#
# Environment: FAMIGRAPH_CACHE (default ~/.cache/famigraph): where the jars
# and homes live, outside the repository. NEO4J_HEAP (default 1g),
# NEO4J_PAGECACHE (default 512m), NEO4J_START_TIMEOUT seconds (default 120),
# NEO4J_STOP_TIMEOUT seconds before SIGKILL follows SIGTERM (default 30).
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
version="$(sed -n 's:.*<neo4j.version>\(.*\)</neo4j.version>.*:\1:p' "$here/pom.xml")"
cache="${FAMIGRAPH_CACHE:-$HOME/.cache/famigraph}"
lib="$cache/neo4j-$version/lib"
heap="${NEO4J_HEAP:-1g}"
pagecache="${NEO4J_PAGECACHE:-512m}"
start_timeout="${NEO4J_START_TIMEOUT:-120}"
stop_timeout="${NEO4J_STOP_TIMEOUT:-30}"

say() { printf 'neo4j.sh: %s\n' "$*" >&2; }
die() { say "$*"; exit 1; }

cmd="${1:-}"
[ $# -gt 0 ] && shift
home="$cache/run/default"
keep=0 port="" password="" signal=TERM
while [ $# -gt 0 ]; do
  case "$1" in
    --home) home="$2"; shift 2 ;;
    --keep) keep=1; shift ;;
    --port) port="$2"; shift 2 ;;
    --password) password="$2"; shift 2 ;;
    --signal) signal="$2"; shift 2 ;;
    *) die "unknown option $1 (see the top of $0)" ;;
  esac
done
pidfile="$home/neo4j.pid"
log="$home/logs/console.log"

fetch() {
  [ -f "$lib/.complete" ] && return
  command -v mvn >/dev/null || die "mvn is not installed (apt-get install maven)"
  say "resolving Neo4j $version from Maven Central into $lib (once)"
  rm -rf "$lib"
  mkdir -p "$lib"
  mvn -q -B -f "$here/pom.xml" dependency:copy-dependencies \
    -DoutputDirectory="$lib" -DincludeScope=runtime >&2
  ls "$lib"/neo4j-"$version".jar >/dev/null || die "Maven did not resolve neo4j-$version.jar"
  touch "$lib/.complete"
}

running() { # running: the PID file names a live process
  [ -f "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null
}

port_free() { # port_free N: nothing accepts connections on 127.0.0.1:N
  ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

free_port() {
  local p i
  for i in $(seq 1 50); do
    p=$(( 20000 + (RANDOM * 32768 + RANDOM) % 40000 ))
    if port_free "$p"; then echo "$p"; return; fi
  done
  die "no free port found"
}

write_conf() {
  mkdir -p "$home/conf" "$home/data" "$home/logs" "$home/plugins" "$home/import"
  local auth=false
  [ -n "$password" ] && auth=true
  cat >"$home/conf/neo4j.conf" <<EOF
# Written by tools/neo4j/neo4j.sh for one local run.
server.default_listen_address=127.0.0.1
server.default_advertised_address=127.0.0.1
server.bolt.enabled=true
server.bolt.listen_address=127.0.0.1:$port
server.bolt.advertised_address=127.0.0.1:$port
server.http.enabled=false
server.https.enabled=false
dbms.routing.enabled=false
server.directories.data=$home/data
server.directories.logs=$home/logs
server.directories.plugins=$home/plugins
server.directories.import=$home/import
dbms.usage_report.enabled=false
dbms.security.auth_enabled=$auth
server.memory.heap.initial_size=$heap
server.memory.heap.max_size=$heap
server.memory.pagecache.size=$pagecache
db.tx_log.rotation.retention_policy=2 files
# A local test server: no lock-out after failed logins (the fault tests
# try wrong passwords, then the right one).
dbms.security.auth_max_failed_attempts=0
EOF
  echo "$port" >"$home/port"
}

start() {
  fetch
  command -v java >/dev/null || die "java is not installed (apt-get install openjdk-17-jre-headless)"
  if running; then die "a Neo4j already runs from $home (PID $(cat "$pidfile")): neo4j.sh stop first"; fi
  if [ "$keep" = 1 ] && [ -f "$home/port" ]; then
    port="${port:-$(cat "$home/port")}"
    [ -f "$home/password" ] && password="${password:-$(cat "$home/password")}"
  else
    [ -n "$home" ] && [ "$home" != / ] || die "refusing home '$home'"
    rm -rf "$home"
    port="${port:-$(free_port)}"
  fi
  port_free "$port" || die "port $port is in use"
  write_conf
  if [ "$keep" = 0 ] && [ -n "$password" ]; then
    NEO4J_HOME="$home" NEO4J_CONF="$home/conf" java -cp "$lib/*" org.neo4j.cli.AdminTool \
      dbms set-initial-password "$password" >"$home/logs/admin.log" 2>&1 \
      || die "could not set the initial password: $(tail -n 3 "$home/logs/admin.log")"
    echo "$password" >"$home/password"
  fi
  # Where this start's lines of the log begin (a restart appends to it).
  local log_from=$(( $(stat -c %s "$log" 2>/dev/null || echo 0) + 1 ))
  # The JVM options Neo4j's own launcher passes on Java 17.
  setsid java -Xms"$heap" -Xmx"$heap" -XX:+UseG1GC -XX:-OmitStackTraceInFastThrow \
    -XX:+AlwaysPreTouch -XX:+UnlockExperimentalVMOptions -XX:+TrustFinalNonStaticFields \
    -XX:+DisableExplicitGC -XX:+ExitOnOutOfMemoryError -Djdk.nio.maxCachedBufferSize=1024 \
    -Dio.netty.tryReflectionSetAccessible=true -Djdk.tls.ephemeralDHKeySize=2048 \
    -Dlog4j2.disable.jmx=true -Dfile.encoding=UTF-8 \
    --add-opens=java.base/java.nio=ALL-UNNAMED --add-opens=java.base/java.io=ALL-UNNAMED \
    --add-opens=java.base/sun.nio.ch=ALL-UNNAMED --add-opens=java.base/java.lang=ALL-UNNAMED \
    -cp "$lib/*" org.neo4j.server.CommunityEntryPoint \
    --home-dir="$home" --config-dir="$home/conf" --console-mode \
    </dev/null >>"$log" 2>&1 &
  local pid=$!
  echo "$pid" >"$pidfile"
  local start_deadline=$((SECONDS + start_timeout)) t0=$SECONDS
  # Bolt answers once the log says Started and the port accepts connections.
  # Only this start's lines count: a restart (--keep) appends to the log of
  # the previous run, whose Started line would leave the port's probe alone
  # to decide, and a probe of a port in the ephemeral range can connect to
  # itself (a TCP simultaneous open) while nothing listens.
  until tail -c "+$log_from" "$log" 2>/dev/null | grep -q 'Started\.' && ! port_free "$port"; do
    if ! kill -0 "$pid" 2>/dev/null; then
      tail -n 30 "$log" >&2
      rm -f "$pidfile"
      die "Neo4j exited while starting (log: $log)"
    fi
    if [ "$SECONDS" -ge "$start_deadline" ]; then
      tail -n 30 "$log" >&2
      stop
      die "Neo4j did not answer on port $port within ${start_timeout}s (log: $log)"
    fi
    sleep 0.2
  done
  say "Neo4j $version up in $((SECONDS - t0))s, PID $pid, home $home; stop it with: $0 stop --home $home"
  if [ -n "$password" ]; then say "authentication: NEO4J_USER=neo4j NEO4J_PASSWORD=(as given)"
  else say "authentication is off: export NEO4J_USER= NEO4J_PASSWORD="; fi
  echo "NEO4J_URI=bolt://127.0.0.1:$port"
}

stop() {
  if ! [ -f "$pidfile" ]; then say "no PID file in $home: not running"; return 0; fi
  local pid i
  pid="$(cat "$pidfile")"
  if kill -0 "$pid" 2>/dev/null; then
    kill -s "$signal" "$pid" 2>/dev/null || true
    local deadline=$((SECONDS + stop_timeout))
    while kill -0 "$pid" 2>/dev/null && [ "$SECONDS" -lt "$deadline" ]; do sleep 0.2; done
    if kill -0 "$pid" 2>/dev/null; then
      say "PID $pid still running ${stop_timeout}s after SIG$signal: SIGKILL"
      kill -s KILL "$pid" 2>/dev/null || true
      deadline=$((SECONDS + 30))
      while kill -0 "$pid" 2>/dev/null && [ "$SECONDS" -lt "$deadline" ]; do sleep 0.2; done
    fi
  fi
  rm -f "$pidfile"
  say "stopped (PID $pid)"
}

case "$cmd" in
  fetch) fetch; echo "$lib" ;;
  start) start ;;
  stop) stop ;;
  kill) signal=KILL; stop ;;
  status) running ;;
  *) sed -n '2,23p' "$0" >&2; exit 2 ;;
esac
