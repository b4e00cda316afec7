#!/usr/bin/env bash
# Stops, or starts again with the same data and port, the cluster scripts/pg/start.sh made:
#   scripts/pg/cluster.sh stop|start [dir]   (default dir: $TRAYSIDE_PG_DIR)
# The PostgreSQL outage test uses it; scripts/pg/stop.sh deletes the cluster for good.
set -euo pipefail
action="${1:-}"
dir="${2:-${TRAYSIDE_PG_DIR:-}}"
if [[ "$action" != stop && "$action" != start ]]; then
  echo "scripts/pg/cluster.sh: say stop or start." >&2
  exit 2
fi
if [[ -z "$dir" || "$dir" != /tmp/trayside-pg-* || ! -d "$dir/data" ]]; then
  echo "scripts/pg/cluster.sh: pass the cluster dir (/tmp/trayside-pg-*) or set TRAYSIDE_PG_DIR." >&2
  exit 1
fi
bindir="${PG_BINDIR:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)}"
as_owner=()
[[ "$(id -u)" == "0" ]] && as_owner=(runuser -u postgres --)
if [[ "$action" == stop ]]; then
  # fast: every session is ended at once (what a crash or failover looks like to the nodes), then a clean checkpoint.
  "${as_owner[@]}" "$bindir/pg_ctl" -D "$dir/data" -m fast -w -t 60 stop >/dev/null
else
  "${as_owner[@]}" "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 start >/dev/null || {
    tail -20 "$dir/server.log" >&2
    exit 1
  }
fi
