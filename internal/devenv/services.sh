#!/usr/bin/env bash
# services.sh: make sure PostgreSQL and Redis answer, and print the
# environment that points at them, for `eval "$(internal/devenv/services.sh)"`.
#
# It reuses DATABASE_URL / REDIS_URL when they answer (defaults: the
# machine's own servers on 127.0.0.1:5432 and :6379). When none answers it
# starts private ones in a git-ignored data directory of the project
# (.data/, or a directory under /var/tmp when the postgres user cannot reach
# the project), installing Debian's packages first when they are missing and
# we are root, and otherwise saying exactly what to install.
#
#   services.sh          ensure services, print export lines
#   services.sh stop     stop the private servers this script started
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
data="$root/.data"
say() { echo "services: $*" >&2; }
die() { echo "services: $*" >&2; exit 1; }

DEFAULT_PG="postgres://postgres@127.0.0.1:5432/huamu?sslmode=disable"
DEFAULT_REDIS="redis://127.0.0.1:6379/0"

# tcp_open HOST PORT: something listens there.
tcp_open() { (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null; }

# url_hostport URL DEFAULT_PORT: prints "host port" of a URL.
url_hostport() {
	local rest=${1#*://}
	rest=${rest#*@}
	rest=${rest%%/*}
	rest=${rest%%\?*}
	local host=${rest%%:*} port=$2
	[[ $rest == *:* ]] && port=${rest##*:}
	echo "${host:-127.0.0.1} $port"
}

pg_answers() {
	local url=$1 hp
	if command -v psql >/dev/null 2>&1; then
		# The database itself may not exist yet (huamu creates it): ask the server.
		local admin=${url%%\?*}
		admin="${admin%/*}/postgres"
		psql "$admin" -Atqc 'select 1' >/dev/null 2>&1 || psql "$url" -Atqc 'select 1' >/dev/null 2>&1
		return
	fi
	read -r h p < <(url_hostport "$url" 5432)
	tcp_open "$h" "$p"
}

redis_answers() {
	local h p line
	read -r h p < <(url_hostport "$1" 6379)
	{ exec 4<>"/dev/tcp/$h/$p"; } 2>/dev/null || return 1
	printf 'PING\r\n' >&4
	read -r -t 2 line <&4 || true
	exec 4>&-
	[[ $line == +PONG* || $line == -NOAUTH* ]]
}

apt_install() {
	if [[ $(id -u) -ne 0 ]]; then
		die "missing $*: install it with: sudo apt-get install -y $*"
	fi
	say "installing $* with apt-get"
	if [[ ! -f "$data/.apt-updated" ]]; then
		DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2
		mkdir -p "$data" && touch "$data/.apt-updated"
	fi
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >&2
}

free_port() {
	local p=$1
	while tcp_open 127.0.0.1 "$p"; do p=$((p + 1)); done
	echo "$p"
}

pg_bindir() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1; }

# as_pg CMD...: run a PostgreSQL server tool as a user it accepts (never
# root), from / so that the postgres user never starts in a directory it
# cannot read (the project under /root: "could not change directory");
# every path given to it is absolute.
as_pg() {
	if [[ $(id -u) -eq 0 ]]; then (cd / && runuser -u postgres -- "$@"); else "$@"; fi
}

start_private_pg() {
	local bindir
	bindir=$(pg_bindir)
	if [[ -z $bindir || ! -x $bindir/initdb ]]; then
		apt_install postgresql
		bindir=$(pg_bindir)
		[[ -x $bindir/initdb ]] || die "postgresql installed but initdb not found under /usr/lib/postgresql"
	fi
	if [[ $(id -u) -eq 0 ]] && ! id postgres >/dev/null 2>&1; then
		useradd --system --home-dir /var/lib/postgresql --shell /bin/bash postgres
	fi
	local dir="$data/pg"
	mkdir -p "$dir"
	if [[ $(id -u) -eq 0 ]]; then
		chown postgres: "$dir"
		if ! (cd / && runuser -u postgres -- test -w "$dir"); then
			# The project sits where postgres cannot reach (e.g. under /root).
			dir="/var/tmp/huamu-pg-$(echo -n "$root" | sha1sum | cut -c1-10)"
			mkdir -p "$dir" && chown postgres: "$dir" && chmod 700 "$dir"
		fi
	fi
	local port
	if [[ -f "$dir/huamu.port" ]] && as_pg "$bindir/pg_ctl" -D "$dir/db" status >/dev/null 2>&1; then
		port=$(cat "$dir/huamu.port")
	else
		if [[ ! -s "$dir/db/PG_VERSION" ]]; then
			say "initdb in $dir/db"
			as_pg "$bindir/initdb" -D "$dir/db" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 ||
				as_pg "$bindir/initdb" -D "$dir/db" -U postgres --auth=trust -E UTF8 --locale=C >"$dir/initdb.log" 2>&1 ||
				die "initdb failed: see $dir/initdb.log"
		fi
		port=$(free_port 55432)
		as_pg bash -c "echo $port > '$dir/huamu.port'"
		say "starting private PostgreSQL on 127.0.0.1:$port"
		as_pg "$bindir/pg_ctl" -D "$dir/db" -l "$dir/server.log" -w -t 60 \
			-o "-p $port -c listen_addresses=127.0.0.1 -k $dir -c max_connections=200 -c fsync=off" start >&2 ||
			die "PostgreSQL did not start: see $dir/server.log"
	fi
	echo "postgres://postgres@127.0.0.1:$port/huamu?sslmode=disable"
}

start_private_redis() {
	command -v redis-server >/dev/null 2>&1 || apt_install redis-server
	local dir="$data/redis" port
	mkdir -p "$dir"
	if [[ -f "$dir/huamu.port" ]] && redis_answers "redis://127.0.0.1:$(cat "$dir/huamu.port")"; then
		port=$(cat "$dir/huamu.port")
	else
		port=$(free_port 56379)
		echo "$port" >"$dir/huamu.port"
		say "starting private Redis on 127.0.0.1:$port"
		redis-server --port "$port" --bind 127.0.0.1 --daemonize yes --dir "$dir" --save "" \
			--appendonly no --pidfile "$dir/redis.pid" --logfile "$dir/redis.log" >&2
		for _ in $(seq 50); do redis_answers "redis://127.0.0.1:$port" && break; sleep 0.1; done
		redis_answers "redis://127.0.0.1:$port" || die "Redis did not start: see $dir/redis.log"
	fi
	echo "redis://127.0.0.1:$port/0"
}

stop_private() {
	local bindir dir
	bindir=$(pg_bindir)
	for dir in "$data/pg" /var/tmp/huamu-pg-"$(echo -n "$root" | sha1sum | cut -c1-10)"; do
		if [[ -n $bindir && -d $dir/db ]]; then as_pg "$bindir/pg_ctl" -D "$dir/db" stop -m fast >&2 || true; fi
	done
	if [[ -f $data/redis/redis.pid ]]; then kill "$(cat "$data/redis/redis.pid")" 2>/dev/null || true; fi
}

if [[ ${1:-} == stop ]]; then
	stop_private
	exit 0
fi

pg=${DATABASE_URL:-$DEFAULT_PG}
if ! pg_answers "$pg"; then
	if [[ -n ${DATABASE_URL:-} ]]; then say "DATABASE_URL does not answer; using a private PostgreSQL"; fi
	pg=$(start_private_pg)
fi
redis=${REDIS_URL:-$DEFAULT_REDIS}
if ! redis_answers "$redis"; then
	if [[ -n ${REDIS_URL:-} ]]; then say "REDIS_URL does not answer; using a private Redis"; fi
	redis=$(start_private_redis)
fi
printf 'export DATABASE_URL=%q\nexport REDIS_URL=%q\n' "$pg" "$redis"
