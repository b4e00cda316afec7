#!/usr/bin/env bash
# IPP tier: runs test/ipp against CUPS's real ippeveprinter on loopback.
#
# ippeveprinter exits with "Unable to initialize DNS-SD" without a D-Bus system bus, so a private
# dbus-daemon is started for it (no avahi needed). It listens on `-n localhost` (127.0.0.1 alone
# fails with "Unable to create IPv6 listener"). As root the whole tier runs in a fresh network
# namespace (`unshare -n`, only lo) so the virtual printer is never visible elsewhere; otherwise on
# the host's loopback with a free port. See /work/shared/HARDWARE-TESTING.md §5.
#
# Writes .test-results/ipp.json = {"passed":N,"failed":N,"skipped":N} and prints "N passed, N failed".
# Without ippeveprinter it says why; under CI=true that is a failure, never a silent pass.
set -uo pipefail

ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$ROOT"
RESULTS_DIR="$ROOT/.test-results"
RESULTS="$RESULTS_DIR/ipp.json"
mkdir -p "$RESULTS_DIR"

write_results() { printf '{"passed":%d,"failed":%d,"skipped":%d}\n' "$1" "$2" "$3" > "$RESULTS"; }

missing() {
  echo "IPP tier: $1" >&2
  echo "IPP tier: install it with: flock /tmp/apt.lock apt-get install -y cups-ipp-utils dbus" >&2
  if [ "${CI:-}" = "true" ]; then
    write_results 0 1 0
    echo "0 passed, 1 failed (IPP tier could not run: $1)"
    exit 1
  fi
  write_results 0 0 1
  echo "0 passed, 0 failed (IPP tier skipped: $1)"
  exit 0
}

# TRAYSIDE_IPPEVEPRINTER overrides the binary (set it empty to check the "missing" path).
if [ -n "${TRAYSIDE_IPPEVEPRINTER+set}" ]; then
  IPPEVEPRINTER="$TRAYSIDE_IPPEVEPRINTER"
else
  IPPEVEPRINTER="$(command -v ippeveprinter || true)"
  [ -z "$IPPEVEPRINTER" ] && [ -x /usr/sbin/ippeveprinter ] && IPPEVEPRINTER=/usr/sbin/ippeveprinter
fi
[ -n "$IPPEVEPRINTER" ] && [ -x "$IPPEVEPRINTER" ] || missing "ippeveprinter not found (package cups-ipp-utils)"
command -v dbus-daemon > /dev/null || missing "dbus-daemon not found (package dbus); ippeveprinter needs a D-Bus system bus"

# Re-enter inside a private network namespace when we can (root, unshare available).
if [ -z "${TRAYSIDE_IPP_INNER:-}" ] && [ "$(id -u)" = "0" ] && command -v unshare > /dev/null && command -v ip > /dev/null; then
  if unshare -n true 2> /dev/null; then
    exec env TRAYSIDE_IPP_INNER=netns unshare -n bash -c 'ip link set lo up && exec bash "$0"' "$0"
  fi
fi

WORK="$(mktemp -d /tmp/trayside-ipp.XXXXXX)"
DBUS_PID=""
PRINTER_PID=""
cleanup() {
  [ -n "$PRINTER_PID" ] && kill "$PRINTER_PID" 2> /dev/null
  [ -n "$DBUS_PID" ] && kill "$DBUS_PID" 2> /dev/null
  rm -rf "$WORK"
}
trap cleanup EXIT

cat > "$WORK/dbus.conf" << CONF
<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN" "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>system</type>
  <listen>unix:path=$WORK/bus</listen>
  <policy context="default"><allow send_destination="*" eavesdrop="true"/><allow eavesdrop="true"/><allow own="*"/><allow user="*"/></policy>
</busconfig>
CONF
DBUS_PID="$(dbus-daemon --config-file="$WORK/dbus.conf" --fork --print-pid)" || missing "dbus-daemon would not start"
export DBUS_SYSTEM_BUS_ADDRESS="unix:path=$WORK/bus"

if [ "${TRAYSIDE_IPP_INNER:-}" = "netns" ]; then
  PORT=8631
else
  PORT="$(node -e 'const s=require("node:net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')"
fi
mkdir -p "$WORK/spool"
# -s 10,8: colour printer (10 ppm mono, 8 colour) with a waste tank and four inks; -r off: no DNS-SD registration.
"$IPPEVEPRINTER" -n localhost -p "$PORT" -r off -d "$WORK/spool" -s 10,8 -M Trayside -m "Virtual IPP" "Trayside IPP" > "$WORK/printer.log" 2>&1 &
PRINTER_PID=$!

ready=""
for _ in $(seq 1 100); do
  if ! kill -0 "$PRINTER_PID" 2> /dev/null; then break; fi
  if node -e 'require("node:http").get(process.argv[1],r=>{r.resume();process.exit(0)}).on("error",()=>process.exit(1))' "http://localhost:$PORT/" 2> /dev/null; then
    ready=yes
    break
  fi
  sleep 0.1
done
if [ -z "$ready" ]; then
  echo "IPP tier: ippeveprinter did not come up on port $PORT; its log:" >&2
  cat "$WORK/printer.log" >&2
  write_results 0 1 0
  echo "0 passed, 1 failed (ippeveprinter did not start)"
  exit 1
fi

export TRAYSIDE_IPP_URI="ipp://localhost:$PORT/ipp/print"
export TRAYSIDE_IPP_WEB="http://localhost:$PORT"
REPORT="$WORK/vitest.json"
timeout 300 npx vitest run --config test/ipp/vitest.config.ts --reporter=default --reporter=json --outputFile="$REPORT"
status=$?

if [ -s "$REPORT" ]; then
  counts="$(node -e 'const r=require(process.argv[1]);console.log(r.numPassedTests, r.numFailedTests, r.numPendingTests + r.numTodoTests)' "$REPORT")"
  read -r passed failed skipped <<< "$counts"
else
  passed=0 failed=1 skipped=0
fi
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; fi
write_results "$passed" "$failed" "$skipped"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
