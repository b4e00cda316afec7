#!/usr/bin/env bash
# Starts a throwaway PostgreSQL cluster on a free loopback port under /tmp and prints shell
# exports for it:  eval "$(scripts/pg/start.sh)"  then  scripts/pg/stop.sh  when done.
# As root the cluster runs as the postgres user (PostgreSQL refuses to run as root).
set -euo pipefail

bindir="${PG_BINDIR:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)}"
if [[ -z "$bindir" || ! -x "$bindir/initdb" ]]; then
  echo "scripts/pg/start.sh: PostgreSQL server binaries not found (apt-get install -y postgresql, or set PG_BINDIR)." >&2
  exit 1
fi

dir="$(mktemp -d /tmp/trayside-pg-XXXXXX)"
as_owner=()
if [[ "$(id -u)" == "0" ]]; then
  chown postgres:postgres "$dir"
  as_owner=(runuser -u postgres --)
fi

# A free port: bind port 0 on loopback and read what the kernel chose.
port="$(node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")"

"${as_owner[@]}" "$bindir/initdb" -D "$dir/data" -U postgres -A trust --no-sync -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 || {
  cat "$dir/initdb.log" >&2
  exit 1
}
# The settings go into the cluster's own config, so scripts/pg/cluster.sh can stop it and start it
# again on the same port (the outage test). fsync off: a throwaway test cluster trades durability
# for speed (a fast shutdown still writes every committed transaction); the socket lives in the cluster dir.
printf '%s\n' "port = $port" "listen_addresses = '127.0.0.1'" "unix_socket_directories = '$dir'" \
  'fsync = off' 'synchronous_commit = off' 'full_page_writes = off' >>"$dir/data/postgresql.conf"
"${as_owner[@]}" "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 start >/dev/null || {
  cat "$dir/server.log" >&2
  exit 1
}

echo "export DATABASE_URL=postgres://postgres@127.0.0.1:$port/postgres"
echo "export TRAYSIDE_PG_DIR=$dir"
