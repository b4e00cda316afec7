#!/usr/bin/env bash
# Packaging smoke test, offline: packs the app with electron-builder --dir against a stub
# Electron (TOOLCHAIN.md: -c.electronDist=<dir with an "electron" and a "version" file>), then
# checks what went into app.asar and what stayed unpacked. Needs `npm run build` first.
# Prints each check; exits non-zero if any fails.
set -uo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
passed=0
failed=0
# Counts for CI's summary (scripts/summarize-tests.mjs), as every non-vitest tier leaves them.
report() { mkdir -p .test-results && printf '{"passed":%d,"failed":%d,"skipped":0}\n' "$1" "$2" > .test-results/packaging.json; echo "$1 passed, $2 failed"; }
pass() { echo "  ok   $*"; passed=$((passed + 1)); }
fail() { echo "  FAIL $*"; failed=$((failed + 1)); }

for file in out/main/index.js out/preload/index.cjs out/renderer/index.html; do
  [ -f "$file" ] || { echo "package-smoke: $file is missing; run \"npm run build\" first"; exit 1; }
done

version=$(node -p "require('./node_modules/electron/package.json').version")
mkdir -p "$work/electron-stub"
# The stub carries a fuse wire as Electron's binary does (@electron/fuses: the sentinel, wire version
# 1, its length, then one byte per fuse, '0'/'1'), set to Electron's defaults: RunAsNode on, cookie
# encryption off, NODE_OPTIONS on, --inspect on, asar integrity off, app.asar-only off, browser V8
# snapshot off, file:// privileges on. electron-builder flips it as it would the real binary, and
# the checks below read the result from the packed executable.
fuse_sentinel='dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX'
{
  printf '#!/bin/sh\n# fuse wire: %s\001\010%s\n' "$fuse_sentinel" '10110001'
  printf 'echo "stub electron: packaging smoke test only" >&2\nexit 1\n'
} > "$work/electron-stub/electron"
chmod +x "$work/electron-stub/electron"
printf '%s' "$version" > "$work/electron-stub/version"

echo "package-smoke: electron-builder --dir (stub Electron $version)"
started=$(date +%s)
if ! npx --no-install electron-builder --linux dir --x64 \
    -c.electronDist="$work/electron-stub" -c.electronVersion="$version" \
    -c.directories.output="$work/dist" >"$work/builder.log" 2>&1; then
  tail -30 "$work/builder.log"
  echo "package-smoke: electron-builder failed"
  report 0 1
  exit 1
fi
echo "package-smoke: packed in $(( $(date +%s) - started )) s"

resources=$(dirname "$(find "$work/dist" -name app.asar -print -quit)")
asar="$resources/app.asar"
[ -f "$asar" ] || { echo "package-smoke: no app.asar was produced"; report 0 1; exit 1; }
npx --no-install asar list "$asar" > "$work/asar.txt" || { echo "package-smoke: could not list app.asar"; report 0 1; exit 1; }
echo "package-smoke: app.asar $(du -k "$asar" | cut -f1) kB, $(wc -l < "$work/asar.txt") entries; app.asar.unpacked $(du -sk "$resources/app.asar.unpacked" 2>/dev/null | cut -f1) kB"

has() { grep -qE "$1" "$work/asar.txt"; }
for path in /out/main/index.js /out/preload/index.cjs /out/renderer/index.html /package.json; do
  if has "^${path}$"; then pass "app.asar contains $path"; else fail "app.asar lacks $path"; fi
done
if has '^/out/main/chunks/tray-ok.*\.png$'; then pass 'app.asar contains the tray icons'; else fail 'app.asar lacks the tray icons'; fi
for path in electron-store conf zod node-hid usb; do
  if has "^/node_modules/${path}/package.json$"; then pass "runtime dependency $path is packed"; else fail "runtime dependency $path is missing"; fi
done
for pattern in '^/server(/|$)' '^/out/node(/|$)' '^/out/host-bridge(/|$)' '^/(main|common|native|renderer|preload|scripts|test)/' '\.map$'; do
  if has "$pattern"; then fail "app.asar holds what it must not: $(grep -E "$pattern" "$work/asar.txt" | head -3 | tr '\n' ' ')"; else pass "app.asar has nothing matching $pattern"; fi
done
ours_ts=$(grep -v '^/node_modules/' "$work/asar.txt" | grep -cE '\.tsx?$' || true)
if [ "$ours_ts" -eq 0 ]; then pass 'no TypeScript sources of ours in app.asar'; else fail "$ours_ts TypeScript sources of ours are in app.asar"; fi
for module in react react-dom zustand electron electron-builder vite vitest typescript fastify pg @electric-sql/pglite playwright @playwright/test; do
  if has "^/node_modules/${module}/"; then fail "dev dependency $module is in app.asar"; else pass "no $module in app.asar"; fi
done
unpacked_hid=$(find "$resources/app.asar.unpacked/node_modules/node-hid" -name '*.node' 2>/dev/null | wc -l)
if [ "$unpacked_hid" -gt 0 ]; then pass "node-hid's native addons are unpacked ($unpacked_hid .node files)"; else fail "node-hid's .node files are not in app.asar.unpacked"; fi
unpacked_usb=$(find "$resources/app.asar.unpacked/node_modules/@node-usb" -name '*.node' 2>/dev/null | wc -l)
if [ "$unpacked_usb" -gt 0 ]; then pass "usb's native addon is unpacked ($unpacked_usb .node files)"; else fail "usb's .node file is not in app.asar.unpacked"; fi
inside=$(grep -cE '\.node$' "$work/asar.txt")
# asar list shows unpacked files too; what matters is that none of their bytes stay inside the archive.
npx --no-install asar list --is-pack "$asar" > "$work/asar-pack.txt" 2>/dev/null
[ -n "${SMOKE_DEBUG:-}" ] && grep -E '\.node$' "$work/asar-pack.txt" | head -3
packed_native=$(grep -E '\.node$' "$work/asar-pack.txt" | grep -vc '^unpack' || true)
if [ "${packed_native:-0}" -eq 0 ]; then pass "no native addon is packed inside app.asar ($inside listed, all unpacked)"; else fail "$packed_native native addons are packed inside app.asar"; fi

# Electron's fuses, read back from the packed executable (electron-builder.yml `electronFuses`).
# What a signed per-machine install needs; each is named when it is not so.
executable=$(grep -lF "$fuse_sentinel" "$resources"/../* 2>/dev/null | head -1)
if [ -z "$executable" ]; then
  fail "no packed executable carries Electron's fuse wire"
else
  fuses=$(node -e '
    const data = require("node:fs").readFileSync(process.argv[1]);
    const at = data.indexOf(Buffer.from(process.argv[2])) + process.argv[2].length;
    const length = data[at + 1];
    // @electron/fuses FuseV1Options order.
    const names = ["RunAsNode", "EnableCookieEncryption", "EnableNodeOptionsEnvironmentVariable", "EnableNodeCliInspectArguments",
      "EnableEmbeddedAsarIntegrityValidation", "OnlyLoadAppFromAsar", "LoadBrowserProcessSpecificV8Snapshot", "GrantFileProtocolExtraPrivileges"];
    for (let i = 0; i < length && i < names.length; i++) {
      const state = data[at + 2 + i];
      console.log(names[i], state === 0x31 ? "enabled" : state === 0x30 ? "disabled" : "unknown(" + state + ")");
    }' "$executable" "$fuse_sentinel")
  for want in RunAsNode=disabled EnableCookieEncryption=enabled EnableNodeOptionsEnvironmentVariable=disabled \
      EnableNodeCliInspectArguments=disabled EnableEmbeddedAsarIntegrityValidation=enabled OnlyLoadAppFromAsar=enabled \
      LoadBrowserProcessSpecificV8Snapshot=disabled GrantFileProtocolExtraPrivileges=disabled; do
    name=${want%%=*}
    actual=$(printf '%s\n' "$fuses" | awk -v name="$name" '$1 == name { print $2 }')
    if [ "$actual" = "${want#*=}" ]; then pass "fuse $name is ${want#*=}"; else fail "fuse $name is ${actual:-absent}, must be ${want#*=} (electron-builder.yml electronFuses)"; fi
  done
fi

# koffi (usbprint on Windows) loads its prebuilt binary from @koromix/koffi-<os>-<arch> by path: both unpacked.
if [ -d "$resources/app.asar.unpacked/node_modules/koffi" ] && [ -n "$(find "$resources/app.asar.unpacked/node_modules/@koromix" -name 'koffi.node' -print -quit 2>/dev/null)" ]; then
  pass "koffi and its native binary (@koromix) are unpacked"
else
  fail "koffi or @koromix/koffi-*/koffi.node is not in app.asar.unpacked (electron-builder.yml asarUnpack)"
fi
if has '^/node_modules/electron-updater/package.json$'; then pass 'runtime dependency electron-updater is packed'; else fail 'electron-updater is missing from app.asar'; fi

# Each installer target's configuration. The real installers need Windows (NSIS, WiX) and macOS
# (pkgbuild); the desktop workflow builds and installs them there. Here: what IT departments and
# updates rely on, read from electron-builder.yml and the build resources it names.
while IFS= read -r line; do
  case "$line" in
    ok\ *) pass "${line#ok }" ;;
    FAIL\ *) fail "${line#FAIL }" ;;
    *) echo "$line" ;;
  esac
done < <(node --input-type=module -e '
  import { readFileSync, statSync, existsSync } from "node:fs";
  import { load } from "js-yaml";
  const config = load(readFileSync("electron-builder.yml", "utf8"));
  const check = (ok, what, fix) => console.log(ok ? `ok ${what}` : `FAIL ${what}${fix ? ` — ${fix}` : ""}`);
  const targets = (platform) => (config[platform]?.target ?? []).map((entry) => (typeof entry === "string" ? entry : entry.target));
  // Fixed forever: a changed id makes Windows install the next version beside this one.
  const UPGRADE_CODE = "6E3E4C1F-5FF0-4DED-8012-FBCE455D8736";
  const NSIS_GUID = "05550f37-df74-4e34-8ada-4a47ceff7dce";
  const nsis = config.nsis ?? {};
  check(targets("win").includes("nsis"), "Windows: NSIS target");
  check(nsis.perMachine === true && nsis.oneClick === true, "NSIS installs per machine in one click (silent with /S /allusers)", "nsis.perMachine and nsis.oneClick must be true");
  check(nsis.deleteAppDataOnUninstall === false, "NSIS uninstall keeps the owner data by default");
  check(nsis.guid === NSIS_GUID, `NSIS guid is the fixed ${NSIS_GUID}`, "never change it: upgrades find the earlier install by it");
  check(nsis.packElevateHelper !== false, "NSIS ships elevate.exe for updates of a per-machine install");
  const include = nsis.include ? readFileSync(nsis.include, "utf8") : "";
  check(/customInstall[\s\S]*WriteRegStr HKLM "Software\\Microsoft\\Windows\\CurrentVersion\\Run"/.test(include), "NSIS per-machine install starts at login for every user (HKLM Run)", `in ${nsis.include ?? "nsis.include"}`);
  check(/customUnInstall[\s\S]*DeleteRegValue HKLM[\s\S]*\/DELETEAPPDATA[\s\S]*isUpdated/.test(include), "NSIS uninstall removes the login entry and deletes data only with /DELETEAPPDATA, never during an update");
  const msi = config.msi ?? {};
  check(targets("win").includes("msi"), "Windows: MSI target for enterprise deployment");
  check(msi.upgradeCode === UPGRADE_CODE, `MSI upgrade code is the fixed ${UPGRADE_CODE}`, "never change it");
  check(msi.perMachine === true, "MSI installs per machine");
  check(["dmg", "pkg", "zip"].every((target) => targets("mac").includes(target)), "macOS: dmg, pkg and the zip Squirrel.Mac updates from");
  const pkg = config.pkg ?? {};
  check(pkg.installLocation === "/Applications" && pkg.isVersionChecked === true, "pkg installs in /Applications and refuses a downgrade");
  const postinstall = `${config.directories?.buildResources ?? "build"}/${pkg.scripts ?? "pkg-scripts"}/postinstall`;
  const script = existsSync(postinstall) ? readFileSync(postinstall, "utf8") : "";
  check(script !== "" && (statSync(postinstall).mode & 0o111) !== 0, `pkg postinstall ${postinstall} exists and is executable`);
  check(/\/Library\/LaunchAgents\//.test(script) && /RunAtLoad/.test(script) && /launchctl bootstrap/.test(script), "pkg postinstall writes the per-machine launch agent and starts it for the console user");
  check((config.asarUnpack ?? []).some((glob) => glob.startsWith("node_modules/koffi")), "asarUnpack names koffi");
')
if sh -n scripts/pkg/postinstall; then pass 'pkg postinstall is valid sh'; else fail 'pkg postinstall has a shell syntax error'; fi

report "$passed" "$failed"
exit $(( failed > 0 ? 1 : 0 ))
