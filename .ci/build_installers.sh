#!/usr/bin/env bash
# Linux CI check of the packaging (called by .ci/run after the tests):
#   1. build the PyInstaller one-folder bundle from installers/sdrdesk.spec,
#   2. check the Qt libraries the offscreen platform needs all resolve inside the bundle,
#   3. run the frozen app: --version, a small `generate`, --self-test and --screenshot (offscreen),
#   4. compile the Windows NSIS script with makensis against that bundle.
# A broken spec (missing hidden import or data file) or installer script fails here, loudly.
#
#   PYTHON=.venv/bin/python bash .ci/build_installers.sh
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
PYTHON="${PYTHON:-.venv/bin/python}"
DIST="$ROOT/dist"
BUNDLE="$DIST/sdrdesk"
EXE="$BUNDLE/sdrdesk"
START=$SECONDS

step() { echo; echo "== build_installers: $* ($((SECONDS - START)) s)"; }
fail() { echo "build_installers: FAILED: $*" >&2; exit 1; }

step "tools"
# makensis (Debian's nsis) compiles the Windows installer; PyInstaller needs objdump and objcopy
# (binutils) on Linux. CI runs as root, so install whatever is missing.
packages=""
command -v makensis >/dev/null 2>&1 || packages+=" nsis"
{ command -v objdump && command -v objcopy; } >/dev/null 2>&1 || packages+=" binutils"
if [ -n "$packages" ]; then
  echo "installing:$packages"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  # shellcheck disable=SC2086  # a list of package names
  apt-get install -y -qq --no-install-recommends $packages >/dev/null
fi
echo "makensis $(makensis -VERSION)"
if ! "$PYTHON" -c "import PyInstaller" 2>/dev/null; then
  "$PYTHON" -m pip install --quiet -c installers/constraints.txt "pyinstaller>=6.10"
fi
"$PYTHON" -m PyInstaller --version
VERSION="$("$PYTHON" -c 'import sdrdesk; print(sdrdesk.__version__)')"
VERSION_QUAD="$("$PYTHON" -c '
import re, sdrdesk
nums = re.findall(r"\d+", sdrdesk.__version__)[:3]
print(".".join((nums + ["0"] * 4)[:4]))')"
echo "sdrdesk $VERSION (file version $VERSION_QUAD)"

step "PyInstaller bundle"
rm -rf "$BUNDLE"
"$PYTHON" -m PyInstaller --noconfirm --clean --log-level WARN \
  --distpath "$DIST" --workpath "$ROOT/build/pyinstaller" installers/sdrdesk.spec
[ -x "$EXE" ] || fail "no executable at $EXE"
[ -f "$BUNDLE/_internal/resources/icons/sdrdesk.svg" ] || fail "resources/ is not in the bundle"
du -sh "$BUNDLE"

step "shared libraries for the offscreen self-test resolve"
# xcb/wayland plugins may miss system libraries on a headless runner; those are not needed here.
QT="$BUNDLE/_internal/PySide6"
missing=""
for lib in "$QT"/Qt*.abi3.so "$QT"/Qt/plugins/platforms/libqoffscreen.so "$QT"/Qt/plugins/imageformats/*.so \
           "$QT"/Qt/plugins/iconengines/*.so; do
  [ -e "$lib" ] || fail "expected $lib in the bundle"
  out="$(LD_LIBRARY_PATH="$BUNDLE/_internal:$QT/Qt/lib" ldd "$lib" | grep "not found" || true)"
  [ -z "$out" ] || missing+="${lib#"$BUNDLE"/}:"$'\n'"$out"$'\n'
done
[ -z "$missing" ] || fail "unresolved libraries (install them in .ci/run or bundle them):"$'\n'"$missing"

step "frozen app smoke run"
SANDBOX="$(mktemp -d)"
trap 'rm -rf "$SANDBOX"' EXIT
# The frozen app must not touch this machine's user folders.
export HOME="$SANDBOX/home" XDG_DATA_HOME="$SANDBOX/data" XDG_CONFIG_HOME="$SANDBOX/config" \
  XDG_STATE_HOME="$SANDBOX/state" XDG_CACHE_HOME="$SANDBOX/cache" SDRDESK_DATA="$SANDBOX/sdrdesk"
export QT_QPA_PLATFORM=offscreen
mkdir -p "$HOME"
got="$(timeout 60 "$EXE" --version)"
[ "$got" = "sdrdesk $VERSION" ] || fail "--version printed '$got', expected 'sdrdesk $VERSION'"
echo "$got"
timeout 120 "$EXE" generate "$SANDBOX/generated.db" --accounts 10 --contacts 20 --activities 30 \
  || fail "generate (storage, migrations, phone numbers) failed in the bundle"
timeout 180 "$EXE" --self-test || fail "--self-test failed in the bundle (exit $?)"
# The whole window with a book and the bundled default scripts/objections (resources/data).
timeout 180 "$EXE" --screenshot "$SANDBOX/window.png" || fail "--screenshot failed in the bundle (exit $?)"
[ "$(head -c 8 "$SANDBOX/window.png" | od -An -tx1 | tr -d ' \n')" = "89504e470d0a1a0a" ] \
  || fail "--screenshot wrote no PNG"

step "NSIS installer script"
# Compiled against the Linux bundle: proves the script, its defines and its File paths. The real
# installer is built on Windows by .github/workflows/installers.yml.
OUT="$DIST/sdrdesk-$VERSION-setup-linux-check.exe"
makensis -V2 -WX -DVERSION="$VERSION" -DVERSION_QUAD="$VERSION_QUAD" -DBUNDLE_DIR="$BUNDLE" \
  -DOUT_FILE="$OUT" -DALLOW_NON_WINDOWS_BUNDLE -DNO_COMPRESSION \
  installers/windows/sdrdesk.nsi
[ -s "$OUT" ] || fail "makensis wrote no installer"
ls -lh "$OUT"
rm -f "$OUT"  # 190 MB of uncompressed Linux files is not an artifact anyone wants

step "done"
