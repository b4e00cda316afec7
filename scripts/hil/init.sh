#!/bin/sh
# /init of the hardware-test initramfs (busybox sh). Mounts the 9p shares set up by run.sh and
# runs the script named by the kernel argument hilrun= (the kernel passes it here as $hilrun).
export PATH=/usr/bin:/usr/sbin
busybox mount -t proc proc /proc
busybox mount -t sysfs sys /sys
busybox mount -t devtmpfs dev /dev
busybox mount -t tmpfs tmp /tmp
busybox mount -t tmpfs run /run
for m in $(busybox cat /kmod/order); do busybox insmod "/kmod/$m" 2>/dev/null; done
O=trans=virtio,version=9p2000.L,msize=512000
# /usr last but one: after it, busybox resolves to the host's busybox-static, the same program.
busybox mount -t 9p -o "$O,ro" mods /lib/modules || echo "hil-init: cannot mount modules"
busybox mount -t 9p -o "$O,ro" udev /udev || echo "hil-init: cannot mount udev"
busybox mount -t 9p -o "$O" work /work || echo "hil-init: cannot mount the project"
busybox mount -t 9p -o "$O,ro,cache=loose" usr /usr || echo "hil-init: cannot mount /usr"
cd /work || busybox poweroff -f
if [ -n "$hilrun" ]; then /bin/busybox sh "$hilrun"; else echo "hil-init: no hilrun= given"; fi
busybox sync
busybox poweroff -f
