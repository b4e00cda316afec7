#!/usr/bin/env bash
# CUPS tier: test/cups against a real cupsd with its own config dir and port on loopback, and an
# IPP Everywhere queue pointing at CUPS's ippeveprinter. ippeveprinter alone reports only
# printer-supply, which CUPS never relays; its print command (scripts/cups/print-command.sh) prints
# `ATTR: marker-…` lines the way a driver does, so each job changes the queue's marker-levels.
#
# Writes .test-results/cups.json = {"passed":N,"failed":N,"skipped":N}. Without cupsd (or when it
# cannot start) it says why; under CI=true that is a failure, never a silent pass.
set -uo pipefail

ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$ROOT"
RESULTS="$ROOT/.test-results/cups.json"
mkdir -p "$ROOT/.test-results"
write_results() { printf '{"passed":%d,"failed":%d,"skipped":%d}\n' "$1" "$2" "$3" > "$RESULTS"; }

cannot_run() {
  echo "CUPS tier: $1" >&2
  echo "CUPS tier: install with: apt-get install -y cups cups-ipp-utils dbus (and run as root)" >&2
  if [ "${CI:-}" = "true" ]; then
    write_results 0 1 0
    echo "0 passed, 1 failed (CUPS tier could not run: $1)"
    exit 1
  fi
  write_results 0 0 1
  echo "0 passed, 0 failed (CUPS tier skipped: $1)"
  exit 0
}

CUPSD="$(command -v cupsd || echo /usr/sbin/cupsd)"
IPPEVEPRINTER="$(command -v ippeveprinter || echo /usr/sbin/ippeveprinter)"
LPADMIN="$(command -v lpadmin || echo /usr/sbin/lpadmin)"
[ -x "$CUPSD" ] || cannot_run "cupsd not found (package cups)"
[ -x "$LPADMIN" ] || cannot_run "lpadmin not found (package cups-client)"
[ -x "$IPPEVEPRINTER" ] || cannot_run "ippeveprinter not found (package cups-ipp-utils)"
command -v dbus-daemon > /dev/null || cannot_run "dbus-daemon not found (package dbus)"
[ "$(id -u)" = "0" ] || cannot_run "cupsd with its own config dir needs root here (it drops to its User for filters)"

# A private network namespace when we can: the queue and the virtual printer stay invisible elsewhere.
if [ -z "${TRAYSIDE_CUPS_INNER:-}" ] && command -v unshare > /dev/null && command -v ip > /dev/null && unshare -n true 2> /dev/null; then
  exec env TRAYSIDE_CUPS_INNER=netns unshare -n bash -c 'ip link set lo up && exec bash "$0"' "$0"
fi

WORK="$(mktemp -d /tmp/trayside-cups.XXXXXX)"
chmod 755 "$WORK"
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2> /dev/null; done
  wait 2> /dev/null
  rm -rf "$WORK"
}
trap cleanup EXIT

free_port() { node -e 'const s=require("node:net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'; }

cat > "$WORK/dbus.conf" << CONF
<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN" "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>system</type>
  <listen>unix:path=$WORK/bus</listen>
  <policy context="default"><allow send_destination="*" eavesdrop="true"/><allow eavesdrop="true"/><allow own="*"/><allow user="*"/></policy>
</busconfig>
CONF
DBUS_PID="$(dbus-daemon --config-file="$WORK/dbus.conf" --fork --print-pid)" || cannot_run "dbus-daemon would not start"
PIDS+=("$DBUS_PID")
export DBUS_SYSTEM_BUS_ADDRESS="unix:path=$WORK/bus"

PRINTER_PORT="$(free_port)"
CUPS_PORT="$(free_port)"
mkdir -p "$WORK/spool" "$WORK/etc/ppd" "$WORK/cache" "$WORK/state" "$WORK/log" "$WORK/tmp" "$WORK/requests"
chmod 1777 "$WORK/tmp"
echo 60 > "$WORK/level"
cp "$ROOT/scripts/cups/print-command.sh" "$WORK/print-command.sh"
chmod 755 "$WORK/print-command.sh"
TRAYSIDE_LEVEL_FILE="$WORK/level" "$IPPEVEPRINTER" -n localhost -p "$PRINTER_PORT" -r off -d "$WORK/spool" \
  -c "$WORK/print-command.sh" -M Trayside -m "Virtual CUPS" "Trayside CUPS" > "$WORK/printer.log" 2>&1 &
PIDS+=($!)

cat > "$WORK/etc/cupsd.conf" << CONF
Listen 127.0.0.1:$CUPS_PORT
Listen $WORK/cups.sock
LogLevel debug
Browsing No
DefaultAuthType None
WebInterface No
<Location />
  Order allow,deny
  Allow all
</Location>
<Location /admin>
  Order allow,deny
  Allow all
</Location>
<Policy default>
  <Limit All>
    Order deny,allow
  </Limit>
</Policy>
CONF
cat > "$WORK/etc/cups-files.conf" << CONF
ServerRoot $WORK/etc
RequestRoot $WORK/requests
CacheDir $WORK/cache
StateDir $WORK/state
TempDir $WORK/tmp
AccessLog $WORK/log/access_log
ErrorLog $WORK/log/error_log
PageLog $WORK/log/page_log
ServerBin /usr/lib/cups
DataDir /usr/share/cups
FileDevice Yes
CONF
"$CUPSD" -f -c "$WORK/etc/cupsd.conf" -s "$WORK/etc/cups-files.conf" > "$WORK/cupsd.out" 2>&1 &
CUPSD_PID=$!
PIDS+=("$CUPSD_PID")

up() { node -e 'require("node:http").get(process.argv[1],r=>{r.resume();process.exit(0)}).on("error",()=>process.exit(1))' "$1" 2> /dev/null; }
for _ in $(seq 1 100); do
  up "http://localhost:$PRINTER_PORT/" && up "http://127.0.0.1:$CUPS_PORT/" && break
  sleep 0.1
done
if ! up "http://127.0.0.1:$CUPS_PORT/"; then
  cat "$WORK/cupsd.out" "$WORK/log/error_log" 2> /dev/null | tail -20 >&2
  cannot_run "cupsd did not start on 127.0.0.1:$CUPS_PORT"
fi
up "http://localhost:$PRINTER_PORT/" || { tail -20 "$WORK/printer.log" >&2; cannot_run "ippeveprinter did not start"; }

export CUPS_SERVER="127.0.0.1:$CUPS_PORT"
if ! "$LPADMIN" -p trayside -E -v "ipp://localhost:$PRINTER_PORT/ipp/print" -m everywhere > "$WORK/lpadmin.log" 2>&1; then
  cat "$WORK/lpadmin.log" >&2
  tail -20 "$WORK/log/error_log" >&2
  write_results 0 1 0
  echo "0 passed, 1 failed (lpadmin could not make the queue)"
  exit 1
fi

export TRAYSIDE_CUPS_SERVER="127.0.0.1:$CUPS_PORT"
export TRAYSIDE_CUPS_QUEUE=trayside
export TRAYSIDE_CUPS_LEVEL_FILE="$WORK/level"
# For the transport contract's hooks: the scheduler to pause (SIGSTOP: a CUPS that stops answering)
# and the printer a plugged-in queue points at (lpadmin adds and removes queues: CUPS's hot-plug).
export TRAYSIDE_CUPS_PID="$CUPSD_PID"
export TRAYSIDE_CUPS_PRINTER_URI="ipp://localhost:$PRINTER_PORT/ipp/print"
REPORT="$WORK/vitest.json"
timeout 300 npx vitest run --config test/cups/vitest.config.ts --reporter=default --reporter=json --outputFile="$REPORT"
status=$?
if [ -s "$REPORT" ]; then
  read -r passed failed skipped <<< "$(node -e 'const r=require(process.argv[1]);console.log(r.numPassedTests, r.numFailedTests, r.numPendingTests + r.numTodoTests)' "$REPORT")"
else
  passed=0 failed=1 skipped=0
fi
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; fi
[ "$failed" -ne 0 ] && tail -30 "$WORK/log/error_log" >&2
write_results "$passed" "$failed" "$skipped"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
