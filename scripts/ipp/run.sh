#!/usr/bin/env bash
# IPP tier: runs test/ipp against CUPS's real ippeveprinter on loopback, and test/discovery
# against a DNS-SD responder across a veth pair (see setup_discovery).
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
DISCOVERY_PIDS=()
cleanup() {
  [ -n "$PRINTER_PID" ] && kill "$PRINTER_PID" 2> /dev/null
  for pid in "${DISCOVERY_PIDS[@]}"; do kill "$pid" 2> /dev/null; done
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

# DNS-SD discovery (test/discovery): a second network namespace for the printer, joined to this one
# by a veth pair with multicast on (loopback multicast proves nothing: no real interface, no group
# membership on a link). There, bonjour-service advertises _ipp._tcp/_ipps._tcp and relays TCP from
# the link address to a second ippeveprinter on that namespace's loopback. Without a namespace of
# our own (not root) the discovery tests skip saying why; under CI a failed set-up is a failure.
setup_discovery() {
  ip link add trayside0 type veth peer name trayside1 2> "$WORK/discovery.log" || return 1
  unshare -n sleep 3600 &
  local ns_pid=$!
  DISCOVERY_PIDS+=("$ns_pid")
  for _ in $(seq 1 50); do
    [ "$(readlink "/proc/$ns_pid/ns/net" 2> /dev/null)" != "$(readlink /proc/self/ns/net)" ] && break
    sleep 0.05
  done
  ip link set trayside1 netns "$ns_pid" || return 1
  ip addr add 10.77.0.1/24 dev trayside0 && ip link set trayside0 multicast on up || return 1
  # The link is this namespace's only network, as an owner's LAN is: the default route goes there
  # (where a socket that names no interface sends its multicast queries).
  ip route add default dev trayside0 || return 1
  nsenter -t "$ns_pid" -n sh -c 'ip link set lo up && ip addr add 10.77.0.2/24 dev trayside1 && ip link set trayside1 multicast on up' || return 1
  mkdir -p "$WORK/spool-discovered"
  nsenter -t "$ns_pid" -n "$IPPEVEPRINTER" -n localhost -p 8632 -r off -d "$WORK/spool-discovered" -s 10,8 -M Trayside -m "Discovered IPP" "Trayside Discovered" >> "$WORK/discovery.log" 2>&1 &
  DISCOVERY_PIDS+=($!)
  nsenter -t "$ns_pid" -n node "$ROOT/test/discovery/printer-responder.mjs" 10.77.0.2 8631 8632 "$WORK/responder.sock" >> "$WORK/discovery.log" 2>&1 &
  DISCOVERY_PIDS+=($!)
  for _ in $(seq 1 100); do
    [ -S "$WORK/responder.sock" ] && nsenter -t "$ns_pid" -n node -e 'require("node:http").get("http://localhost:8632/",r=>{r.resume();process.exit(0)}).on("error",()=>process.exit(1))' 2> /dev/null && break
    sleep 0.1
  done
  [ -S "$WORK/responder.sock" ] || return 1
  export TRAYSIDE_DISCOVERY_INTERFACE=10.77.0.1 TRAYSIDE_DISCOVERY_PRINTER=10.77.0.2 TRAYSIDE_DISCOVERY_CONTROL="$WORK/responder.sock"
}
if [ "${TRAYSIDE_IPP_INNER:-}" = "netns" ]; then
  if ! setup_discovery; then
    echo "IPP tier: the DNS-SD discovery namespace could not be set up; its log:" >&2
    cat "$WORK/discovery.log" >&2
    if [ "${CI:-}" = "true" ]; then
      write_results 0 1 0
      echo "0 passed, 1 failed (DNS-SD discovery set-up failed)"
      exit 1
    fi
  fi
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
