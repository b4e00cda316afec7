#!/usr/bin/env bash
# Prepares the hardware-test VM (see /work/shared/HARDWARE-TESTING.md §2): a stock Debian kernel
# booted as an uncompressed vmlinux, a busybox initramfs, and the host's /usr shared read-only
# over virtio-9p so the guest runs the host's own node, python3, libudev and libusb. udevd comes
# from the udev .deb, unpacked here and never installed: the host's udev is not relied on.
# Idempotent: each step is skipped when its output exists. Needs root (apt, depmod).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
CACHE="${HIL_CACHE:-$ROOT/.cache/hil}"
mkdir -p "$CACHE"
log() { printf 'hil-setup: %s\n' "$*" >&2; }
t0=$(date +%s)

# 1. Host packages. Only installed when missing, under the shared apt lock. Beside the VM's own
# tools: the guest runs the host's /usr, so node-hid's runtime libraries (libudev1, libusb-1.0-0)
# and udevadm's (libkmod2 and base libraries) must be on the host too. Nothing else of the host is
# relied on: udev itself comes from its extracted .deb (step 2).
need=()
command -v qemu-system-x86_64 >/dev/null || need+=(qemu-system-x86)
[ -x /bin/busybox ] || need+=(busybox-static)
command -v depmod >/dev/null || need+=(kmod)
command -v cpio >/dev/null || need+=(cpio)
command -v xz >/dev/null || need+=(xz-utils)
[ -x /usr/bin/python3 ] || need+=(python3)
for package in libudev1 libusb-1.0-0 libkmod2; do dpkg -s "$package" >/dev/null 2>&1 || need+=("$package"); done
if [ ${#need[@]} -gt 0 ]; then
  log "installing ${need[*]}"
  flock /tmp/apt.lock sh -c "apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends ${need[*]}" >&2
fi
[ -f /usr/share/qemu/qboot.rom ] || { log "qboot.rom missing (qemu-system-x86 incomplete?)"; exit 1; }

# 2. Kernel and udev packages: downloaded and unpacked, never installed.
# The kernel version follows the linux-image-amd64 metapackage. udev takes the version of the
# host's libudev1, the library node-hid reads udevd's database with in the guest (Debian builds
# udevadm without libsystemd-shared; its libraries are checked with ldd in step 2b).
KPKG="$(apt-cache depends linux-image-amd64 2>/dev/null | awk '/Depends: linux-image-[0-9]/{print $2; exit}')"
[ -n "$KPKG" ] || { log "cannot resolve the kernel package from linux-image-amd64 (apt-get update?)"; exit 1; }
KVER="${KPKG#linux-image-}"
UDEV_VER="$(dpkg-query -W -f='${Version}' libudev1 2>/dev/null || true)"
[ -n "$UDEV_VER" ] || UDEV_VER="$(apt-cache policy udev 2>/dev/null | awk '/Candidate:/{print $2; exit}')"
[ -n "$UDEV_VER" ] && [ "$UDEV_VER" != "(none)" ] || { log "cannot pick a udev version (libudev1 not installed, no apt candidate)"; exit 1; }

mkdir -p "$CACHE/debs"
cd "$CACHE/debs"
if ! ls "${KPKG}"_*.deb >/dev/null 2>&1; then
  log "downloading $KPKG"
  apt-get download -qq -o APT::Sandbox::User=root "$KPKG" >&2 || { apt-get update -qq >&2; apt-get download -qq -o APT::Sandbox::User=root "$KPKG" >&2; }
fi
if ! ls udev_"${UDEV_VER//:/%3a}"_*.deb >/dev/null 2>&1; then
  log "downloading udev=$UDEV_VER"
  apt-get download -qq -o APT::Sandbox::User=root "udev=$UDEV_VER" >&2 || { apt-get update -qq >&2; apt-get download -qq -o APT::Sandbox::User=root "udev=$UDEV_VER" >&2; }
fi

KROOT="$CACHE/kroot-$KVER"
if [ ! -f "$KROOT/.done" ]; then
  log "unpacking kernel $KVER"
  rm -rf "$KROOT"; mkdir -p "$KROOT"
  dpkg -x "$(ls "${KPKG}"_*.deb | head -1)" "$KROOT"
  depmod -b "$KROOT" "$KVER"
  touch "$KROOT/.done"
fi
UDEV="$CACHE/udev-$UDEV_VER"
if [ ! -f "$UDEV/.done" ]; then
  log "unpacking udev $UDEV_VER"
  rm -rf "$UDEV"; mkdir -p "$UDEV"
  dpkg -x "$(ls udev_"${UDEV_VER//:/%3a}"_*.deb | head -1)" "$UDEV"
  touch "$UDEV/.done"
fi

# 2b. The extracted udev must run on its own. A .deb's absolute symlinks point into the root of
# whatever system mounts it: lib/systemd/systemd-udevd -> /bin/udevadm worked in the guest only
# while the host happened to have udev installed (the guest's /bin is the host's /usr/bin).
# Rewrite each one to a relative link inside the extracted tree, and refuse to go on when a
# target is not in the package or when a binary needs a library the shared /usr lacks.
relink_absolute_symlinks() { # DIR
  local dir="$1" link target
  while IFS= read -r -d '' link; do
    target="$(readlink "$link")"
    case "$target" in /*) ;; *) continue ;; esac
    # Debian 12 is merged-/usr: a /usr/bin/x target may live in the package as bin/x, and back.
    local inside=""
    for candidate in "$dir$target" "$dir${target#/usr}" "$dir/usr$target"; do
      if [ -e "$candidate" ] && [ ! -L "$candidate" ]; then inside="$candidate"; break; fi
    done
    if [ -z "$inside" ]; then
      case "$link" in "$dir"/usr/share/*) continue ;; esac # docs and man pages: never run
      log "$link -> $target points outside the extracted package"
      return 1
    fi
    ln -sfn "$(realpath -s --relative-to="$(dirname "$link")" "$inside")" "$link"
    log "relinked ${link#"$dir"/} -> $(readlink "$link") (was $target)"
  done < <(find "$dir" -type l -print0)
}
relink_absolute_symlinks "$UDEV" || { log "the udev package in $UDEV cannot run without the host's own udev"; exit 1; }
UDEVD="$UDEV/lib/systemd/systemd-udevd"
[ -x "$UDEVD" ] && [ "$(realpath "$UDEVD")" = "$(realpath "$UDEV/bin/udevadm")" ] \
  || { log "$UDEVD does not resolve to the extracted udevadm"; exit 1; }
# Every binary the guest runs from the host's /usr, with the libraries of each (the guest's /usr is
# the host's, so what ldd finds here is what the guest loads).
host_node="$(command -v node || true)"
case "$(realpath "${host_node:-/nonexistent}" 2>/dev/null)" in
  /usr/*) ;;
  *) log "node (${host_node:-not found}) is not under /usr, which is all the guest sees of the host; install Debian's nodejs or a node under /usr/local"; exit 1 ;;
esac
missing_libs="$(for bin in "$UDEV/bin/udevadm" "$host_node" /usr/bin/python3 "$(command -v modprobe)" \
    "$ROOT"/node_modules/node-hid/prebuilds/HID_hidraw-linux-x64/*.node "$ROOT"/node_modules/node-hid/prebuilds/HID-linux-x64/*.node \
    "$ROOT"/node_modules/@node-usb/usb-linux-x64-gnu/*.node; do
  [ -e "$bin" ] || continue
  ldd "$bin" 2>/dev/null | awk -v bin="${bin#"$ROOT"/}" '/not found/{print "  " bin ": " $1}'
done)"
if [ -n "$missing_libs" ]; then
  log "libraries the guest needs are missing on the host (install their packages, e.g. libusb-1.0-0 libudev1):"
  printf '%s\n' "$missing_libs" >&2
  exit 1
fi

# 3. vmlinux: the xz payload of the bzImage decompressed to an ELF. QEMU boots it through its PVH
# note, skipping the in-guest decompression that costs ~7 s under TCG.
VMLINUX="$CACHE/vmlinux-$KVER"
if [ ! -f "$VMLINUX" ]; then
  log "extracting vmlinux"
  /usr/bin/python3 - "$KROOT/boot/vmlinuz-$KVER" "$VMLINUX.tmp" <<'PY'
import lzma, sys
data = open(sys.argv[1], 'rb').read()
start = data.find(b'\xfd7zXZ\x00')
if start < 0:
    sys.exit('no xz payload in ' + sys.argv[1])
# The payload is followed by padding/trailer bytes, so decompress the first stream only.
out = lzma.LZMADecompressor(format=lzma.FORMAT_XZ).decompress(data[start:])
if out[:4] != b'\x7fELF':
    sys.exit('decompressed payload is not an ELF')
open(sys.argv[2], 'wb').write(out)
PY
  mv "$VMLINUX.tmp" "$VMLINUX"
fi

# 4. initramfs: busybox, the virtio/9p modules needed to mount the shares, and /init.
INITRD="$CACHE/initrd-$KVER.gz"
INIT_SRC="$ROOT/scripts/hil/init.sh"
if [ ! -f "$INITRD" ] || [ "$INIT_SRC" -nt "$INITRD" ] || [ "${BASH_SOURCE[0]}" -nt "$INITRD" ]; then
  log "building initramfs"
  IR="$CACHE/initramfs"
  rm -rf "$IR"
  mkdir -p "$IR"/{usr/bin,usr/sbin,usr/lib64,lib/modules,etc,proc,sys,dev,tmp,run,work,mods,udev,root,mnt}
  ln -s usr/bin "$IR/bin"; ln -s usr/sbin "$IR/sbin"; ln -s usr/lib64 "$IR/lib64"
  # Absolute on purpose: resolved inside the guest, where /usr is the host's /usr share and /udev
  # the extracted udev package. /lib/udev is where udevd looks for rules' helper programs.
  ln -s /usr/lib/x86_64-linux-gnu "$IR/lib/x86_64-linux-gnu"
  ln -s /udev/lib/udev "$IR/lib/udev"
  cp /bin/busybox "$IR/usr/bin/busybox"
  ln -s busybox "$IR/usr/bin/sh"
  cp /etc/passwd /etc/group "$IR/etc/"
  [ -f /etc/ld.so.cache ] && cp /etc/ld.so.cache "$IR/etc/"
  mkdir -p "$IR/kmod"
  # --show-depends prints insmod lines in load order; keep that order for /init.
  : >"$IR/kmod/order"
  # One module per call: modprobe reads further arguments as module parameters.
  for mod in virtio_pci 9pnet_virtio 9p; do modprobe -d "$KROOT" -S "$KVER" --show-depends "$mod"; done \
    | awk '$1=="insmod"{print $2}' | awk '!seen[$0]++' | while read -r ko; do
      base="$(basename "$ko")"
      case "$base" in
        *.xz) xz -dc "$ko" >"$IR/kmod/${base%.xz}"; base="${base%.xz}" ;;
        *) cp "$ko" "$IR/kmod/$base" ;;
      esac
      echo "$base" >>"$IR/kmod/order"
    done
  [ -s "$IR/kmod/order" ] || { log "no virtio/9p modules found in $KROOT"; exit 1; }
  cp "$INIT_SRC" "$IR/init"; chmod +x "$IR/init"
  (cd "$IR" && find . | cpio -o -H newc --quiet | gzip -1) >"$INITRD.tmp"
  mv "$INITRD.tmp" "$INITRD"
fi

# Paths for run.sh.
cat >"$CACHE/env" <<EOF
HIL_KVER='$KVER'
HIL_VMLINUX='$VMLINUX'
HIL_INITRD='$INITRD'
HIL_MODS='$KROOT/lib/modules'
HIL_UDEV='$UDEV'
EOF
log "ready in $(( $(date +%s) - t0 )) s ($CACHE)"
