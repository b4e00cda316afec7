#!/usr/bin/env bash
# Stops the cluster scripts/pg/start.sh made and deletes it: scripts/pg/stop.sh [dir]
# (default: $TRAYSIDE_PG_DIR).
set -euo pipefail
dir="${1:-${TRAYSIDE_PG_DIR:-}}"
if [[ -z "$dir" || "$dir" != /tmp/trayside-pg-* || ! -d "$dir" ]]; then
  echo "scripts/pg/stop.sh: pass the cluster dir (/tmp/trayside-pg-*) or set TRAYSIDE_PG_DIR." >&2
  exit 1
fi
bindir="${PG_BINDIR:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)}"
as_owner=()
[[ "$(id -u)" == "0" ]] && as_owner=(runuser -u postgres --)
"${as_owner[@]}" "$bindir/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true
rm -rf "$dir"
