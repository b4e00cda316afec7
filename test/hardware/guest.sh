#!/bin/sh
# Runs inside the hardware-test VM as root (see scripts/hil/run.sh), cwd = the project share.
# Creates real kernel devices (uhid UPS, dummy_hcd + configfs printer gadget), starts their
# fixtures and runs the compiled tests in out/node/test/hardware/. Writes .hil-out/counts
# ("passed failed skipped") and .hil-out/rc; a missing rc tells the host the guest died.
export PATH=/usr/bin:/usr/sbin
export HOME=/root
PROJECT="$(pwd)"
OUT="$PROJECT/.hil-out"
HW="$PROJECT/out/node/test/hardware"
FIX="$PROJECT/test/hardware/fixtures"
PY=/usr/bin/python3
passed=0; failed=0; skipped=0
log() { echo "hil-guest: $*"; }
finish() {
  echo "$passed $failed $skipped" >"$OUT/counts"
  if [ "$failed" = 0 ]; then echo 0 >"$OUT/rc"; else echo 1 >"$OUT/rc"; fi
  sync
  exit 0
}
now() { cut -d' ' -f1 /proc/uptime; }

# run_tests NAME FILE [ENV=...]: one node:test process; its TAP summary becomes $OUT/NAME.counts
# ("passed failed skipped"), so runs in background subshells are counted too.
run_tests() {
  name="$1"; file="$2"; shift 2
  env "$@" node --test --test-reporter=tap "$file" >"$OUT/$name.tap" 2>&1
  sed "s/^/[$name] /" "$OUT/$name.tap"
  p=$(sed -n 's/^# pass \([0-9]*\)$/\1/p' "$OUT/$name.tap" | tail -1)
  f=$(sed -n 's/^# fail \([0-9]*\)$/\1/p' "$OUT/$name.tap" | tail -1)
  s=$(sed -n 's/^# skipped \([0-9]*\)$/\1/p' "$OUT/$name.tap" | tail -1)
  if [ -z "$p" ] || [ -z "$f" ]; then
    log "$name: no TAP summary (the test process crashed)"; echo "0 1 0" >"$OUT/$name.counts"; return
  fi
  if [ "$p" = 0 ] && [ "$f" = 0 ]; then log "$name: ran no tests"; f=1; fi
  echo "$p $f ${s:-0}" >"$OUT/$name.counts"
  log "$name: $p passed, $f failed, ${s:-0} skipped"
}
tally() {
  for c in "$OUT"/*.counts; do
    [ -e "$c" ] || continue
    read -r p f s <"$c"
    passed=$((passed + p)); failed=$((failed + f)); skipped=$((skipped + s))
  done
}

log "guest up at $(now) s, kernel $(uname -r), mode $hilmode"

# udevd from the extracted udev .deb: nusb (usb 3.1) hears hot-plug only on the udev netlink
# group, and its kmod builtin autoloads usblp and hid-generic the way a desktop does.
# Everything udev runs comes from that package (/udev), never from the host's /usr: rules that
# name /bin/udevadm get the extracted one, and /lib/udev (the rules' helpers) points into /udev.
mkdir -p /run/udev/rules.d /etc/udev
for rules in /udev/lib/udev/rules.d/*.rules; do
  sed 's|/bin/udevadm|/udev/bin/udevadm|g' "$rules" >"/run/udev/rules.d/${rules##*/}"
done
if /udev/lib/systemd/systemd-udevd --daemon --resolve-names=never 2>"$OUT/udevd.log" \
  && /udev/bin/udevadm control --ping --timeout=10 2>>"$OUT/udevd.log"; then
  log "udevd running at $(now) s"
else
  # Hot-plug and usblp binding depend on it: say so here rather than as test time-outs later.
  log "udevd failed to start: $(cat "$OUT/udevd.log")"
  failed=$((failed + 1))
fi

modprobe dummy_hcd num=2 && modprobe libcomposite && modprobe usb_f_printer && modprobe uhid \
  || { log "kernel modules missing"; failed=$((failed + 1)); finish; }
mount -t configfs none /sys/kernel/config

# The printer gadget: 1209 is pid.codes' open vendor id; 7701 a test product id.
G=/sys/kernel/config/usb_gadget/prn
mkdir $G
echo 0x1209 >$G/idVendor; echo 0x7701 >$G/idProduct
mkdir $G/strings/0x409
echo "Trayside Test" >$G/strings/0x409/manufacturer
echo "HIL Printer" >$G/strings/0x409/product
echo "HIL0001" >$G/strings/0x409/serialnumber
mkdir -p $G/configs/c.1/strings/0x409
echo "printer" >$G/configs/c.1/strings/0x409/configuration
mkdir $G/functions/printer.usb0
# Linux 6.1 f_printer sends strlen as the length field instead of strlen+2, cutting 2 characters:
# the trailing "  " pads them, so the decoder sees the whole ID either way.
printf 'MFG:Trayside Test;MDL:HIL Printer;CMD:PJL,PCL;CLS:PRINTER;SN:HIL0001;  ' >$G/functions/printer.usb0/pnp_string
echo 10 >$G/functions/printer.usb0/q_len
ln -s $G/functions/printer.usb0 $G/configs/c.1/
echo dummy_udc.0 >$G/UDC
export HIL_GADGET=$G HIL_UDC=dummy_udc.0

if [ "$hilmode" = smoke ]; then
  sleep 2
  log "smoke: $(ls /dev/bus/usb/*/ 2>&1 | tr '\n' ' ')"
  log "smoke: usblp bound: $(ls /sys/bus/usb/drivers/usblp/ 2>&1 | tr '\n' ' ')"
  t=$(now)
  node -e "require('usb').usb.getDevices().then(d => { console.log('hil-guest: smoke usb', d.map(x => x.vendorId.toString(16) + ':' + x.productId.toString(16) + ' bus=' + x.bus + ' ports=' + x.ports + ' addr=' + x.address).join(' ')); })" \
    && passed=$((passed + 1)) || failed=$((failed + 1))
  log "smoke: node+usb took $(awk -v a="$t" -v b="$(now)" 'BEGIN{print b-a}') s"
  finish
fi

# (c) first: hot-plug rebinds the UDC, which must happen before anything opens /dev/g_printer0.
run_tests hotplug "$HW/hotplug.hw.js" HIL_GADGET=$G HIL_UDC=dummy_udc.0

# Gadget-side fixtures. The printer fixture answers on /dev/g_printer0 (created once bound).
i=0; while [ ! -e /dev/g_printer0 ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
$PY "$FIX/printer_gadget.py" /dev/g_printer0 /tmp/hil-printer.ctl /tmp/hil-printer.ready >"$OUT/printer-fixture.log" 2>&1 &
$PY "$FIX/uhid_ups.py" /tmp/hil-ups.ctl /tmp/hil-ups.ready >"$OUT/ups-fixture.log" 2>&1 &
i=0; while { [ ! -e /tmp/hil-printer.ready ] || [ ! -e /tmp/hil-ups.ready ]; } && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
[ -e /tmp/hil-printer.ready ] || log "printer fixture did not start: $(cat "$OUT/printer-fixture.log")"
[ -e /tmp/hil-ups.ready ] || log "uhid fixture did not start: $(cat "$OUT/ups-fixture.log")"
# hid-generic binds the uhid device (udevd autoloads it; load it ourselves in case).
modprobe hid-generic 2>/dev/null
i=0; while ! ls /dev/hidraw* >/dev/null 2>&1 && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
log "fixtures ready at $(now) s: $(ls /dev/hidraw* /dev/g_printer* 2>&1 | tr '\n' ' ')"

# (b) and (a): separate processes, run side by side to use both vCPUs.
run_tests usb-printer "$HW/usb-printer.hw.js" HIL_PRINTER_CTL=/tmp/hil-printer.ctl &
usb_pid=$!
run_tests hid "$HW/hid.hw.js" HIL_UPS_CTL=/tmp/hil-ups.ctl
wait $usb_pid
log "fixture logs:"; cat "$OUT/printer-fixture.log" "$OUT/ups-fixture.log"
log "done at $(now) s"
tally
finish
