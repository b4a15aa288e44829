#!/usr/bin/env bash
# loadbench.sh: measure the exchange as the carriers would load it. It starts
# the SMSC simulator (`huamu smsc`) and `huamu serve` as processes of their
# own on a fresh database, then runs `huamu load` with the arguments given,
# and stops both. PostgreSQL and Redis come from services.sh.
#
#   internal/devenv/loadbench.sh --rate 0 --count 100000        # saturation
#   internal/devenv/loadbench.sh --rate 500 --duration 30s      # a steady rate
#
# Environment: HUAMU_BIN (default bin/huamu, built by `make build`),
# SERVE_BIN (default HUAMU_BIN: the huamu that serves, e.g. an older build
# to compare against, while the simulator and load tool stay the same),
# LOADBENCH_DB (default huamu_loadbench, dropped and created afresh),
# LOADBENCH_SERVES (default 1: how many `huamu serve` share the work),
# LOADBENCH_BIND (default window=64&tps=10000), LOADBENCH_HISTORY (texts of
# history to seed before the run, e.g. 1000000; internal/store/testdata/
# history.sql), LOADBENCH_PPROF (a loopback
# host:port: the first serve's HUAMU_PPROF_ADDR), LOADBENCH_KEEP=1 to keep
# the database for a look afterwards.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$root"
eval "$(internal/devenv/services.sh)"
bin=${HUAMU_BIN:-bin/huamu}
serve_bin=${SERVE_BIN:-$bin}
db=${LOADBENCH_DB:-huamu_loadbench}
serves=${LOADBENCH_SERVES:-1}
bindq=${LOADBENCH_BIND:-window=64&tps=10000}
[ -x "$bin" ] || { echo "loadbench: $bin missing: run make build" >&2; exit 1; }

base=${DATABASE_URL%%\?*}
admin="${base%/*}/postgres"
export DATABASE_URL="${base%/*}/$db?sslmode=disable"
psql "$admin" -qAtc "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null

port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
smpp=$(port); ctl=$(port)
logs=$(mktemp -d)
pids=()
cleanup() {
	for p in "${pids[@]}"; do kill -INT "$p" 2>/dev/null || true; done
	wait 2>/dev/null || true
	[ "${LOADBENCH_KEEP:-}" = 1 ] || psql "$admin" -qAtc "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null 2>&1 || true
	echo "loadbench: logs in $logs" >&2
}
trap cleanup EXIT

"$bin" smsc --addr "127.0.0.1:$smpp" --http "127.0.0.1:$ctl" >"$logs/smsc.log" 2>&1 &
pids+=($!)
"$serve_bin" migrate >"$logs/migrate.log" 2>&1
if [ "${LOADBENCH_HISTORY:-0}" -gt 0 ]; then
	echo "loadbench: seeding ${LOADBENCH_HISTORY} texts of history" >&2
	sed "s/\bN\b/${LOADBENCH_HISTORY}/g" internal/store/testdata/history.sql | psql "$DATABASE_URL" -qX -v ON_ERROR_STOP=1 >/dev/null
fi
for i in $(seq 1 "$serves"); do
	pprof=""
	[ "$i" = 1 ] && pprof=${LOADBENCH_PPROF:-}
	HUAMU_SMPP_BINDS="smpp://bench$i:pw@127.0.0.1:$smpp?source=10690000&$bindq" \
		HUAMU_HTTP_ADDR=127.0.0.1:0 HUAMU_METRICS_ADDR=127.0.0.1:0 HUAMU_PPROF_ADDR="$pprof" HUAMU_LOG_LEVEL=warn \
		"$serve_bin" serve >"$logs/serve$i.log" 2>&1 &
	pids+=($!)
done
# Wait until every serve is bound.
for _ in $(seq 1 100); do
	n=$(curl -fsS "http://127.0.0.1:$ctl/" 2>/dev/null | grep -o '已绑定的接收连接: [0-9]*' | grep -o '[0-9]*$' || echo 0)
	[ "${n:-0}" -ge "$serves" ] && break
	sleep 0.2
done
"$bin" load --smsc "http://127.0.0.1:$ctl" "$@"
