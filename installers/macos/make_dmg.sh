#!/usr/bin/env bash
# Make dist/sdrdesk-<version>-macos-<arch>.dmg from dist/sdrdesk.app (built by installers/sdrdesk.spec).
#
#   installers/macos/make_dmg.sh [path/to/sdrdesk.app] [version]
#
# Signing and notarization run only when their secrets are in the environment; otherwise they are
# skipped with a SKIP line in the log and the .dmg keeps PyInstaller's ad-hoc signature (it runs on
# the Mac that built it; Gatekeeper blocks it elsewhere).
#
#   MACOS_SIGN_IDENTITY            "Developer ID Application: Name (TEAMID)"   -> codesign
#   MACOS_CERTIFICATE_P12_BASE64   optional: the identity as base64 .p12, imported into a
#   MACOS_CERTIFICATE_PASSWORD       temporary keychain (CI runners have no login keychain)
#   Notarization, one of:
#     NOTARY_KEYCHAIN_PROFILE                                    (xcrun notarytool store-credentials)
#     NOTARY_API_KEY_PATH + NOTARY_API_KEY_ID + NOTARY_API_ISSUER (App Store Connect API key)
#     NOTARY_APPLE_ID + NOTARY_TEAM_ID + NOTARY_PASSWORD          (app-specific password)
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
APP="${1:-$ROOT/dist/sdrdesk.app}"
PYTHON="${PYTHON:-python3}"
VERSION="${2:-$(cd "$ROOT" && "$PYTHON" -c 'import sdrdesk; print(sdrdesk.__version__)')}"
ENTITLEMENTS="$HERE/entitlements.plist"
VOLNAME="sdrdesk $VERSION"

log() { echo "make_dmg: $*"; }
die() { echo "make_dmg: ERROR: $*" >&2; exit 1; }

[ "$(uname -s)" = "Darwin" ] || die "hdiutil and codesign need macOS"
[ -d "$APP/Contents/MacOS" ] || die "no app bundle at $APP (run pyinstaller installers/sdrdesk.spec first)"
/usr/libexec/PlistBuddy -c "Print :LSMinimumSystemVersion" "$APP/Contents/Info.plist" >/dev/null \
  || die "Info.plist has no LSMinimumSystemVersion: was the app built from installers/sdrdesk.spec?"
# The bundle is built for the runner's architecture (arm64 on Apple-silicon runners): say so in the name.
ARCHS="$(lipo -archs "$APP/Contents/MacOS/sdrdesk")"
case "$ARCHS" in *" "*) ARCH="universal2" ;; *) ARCH="$ARCHS" ;; esac
DMG="$ROOT/dist/sdrdesk-$VERSION-macos-$ARCH.dmg"

KEYCHAIN=""
cleanup() {
  if [ -n "$KEYCHAIN" ]; then security delete-keychain "$KEYCHAIN" || true; fi
  rm -rf "${STAGING:-}"
}
trap cleanup EXIT

# --- Signing identity ------------------------------------------------------------------------------
SIGN="${MACOS_SIGN_IDENTITY:-}"
if [ -n "$SIGN" ] && [ -n "${MACOS_CERTIFICATE_P12_BASE64:-}" ]; then
  log "importing the signing certificate into a temporary keychain"
  KEYCHAIN="$(mktemp -d)/sdrdesk-signing.keychain-db"
  KEYCHAIN_PASSWORD="$(openssl rand -base64 24)"
  P12="$(dirname "$KEYCHAIN")/cert.p12"
  printf '%s' "$MACOS_CERTIFICATE_P12_BASE64" | base64 --decode > "$P12"
  security create-keychain -p "$KEYCHAIN_PASSWORD" "$KEYCHAIN"
  security set-keychain-settings -lut 21600 "$KEYCHAIN"
  security unlock-keychain -p "$KEYCHAIN_PASSWORD" "$KEYCHAIN"
  security import "$P12" -k "$KEYCHAIN" -P "${MACOS_CERTIFICATE_PASSWORD:-}" -T /usr/bin/codesign
  security set-key-partition-list -S apple-tool:,apple:,codesign: -s -k "$KEYCHAIN_PASSWORD" "$KEYCHAIN" >/dev/null
  # shellcheck disable=SC2046  # the existing list is whitespace-separated quoted paths
  security list-keychains -d user -s "$KEYCHAIN" $(security list-keychains -d user | tr -d '"')
  rm -f "$P12"
fi

codesign_one() {  # a file or bundle, hardened runtime, secure timestamp
  codesign --force --timestamp --options runtime --sign "$SIGN" ${KEYCHAIN:+--keychain "$KEYCHAIN"} "$@"
}

if [ -n "$SIGN" ]; then
  log "signing $APP inside-out as '$SIGN' (hardened runtime)"
  # 1. Every Mach-O file outside .framework bundles, deepest first (libraries before their users).
  # (newline-separated: PyInstaller paths have no newlines; macOS cut/awk have no NUL mode)
  while IFS= read -r file; do
    case "$file" in *.framework/*) continue ;; esac
    [ "$file" = "$APP/Contents/MacOS/sdrdesk" ] && continue
    if file -b "$file" | grep -q "Mach-O"; then codesign_one "$file"; fi
  done < <(find "$APP/Contents" -type f | awk -F/ '{print NF "\t" $0}' | sort -rn | cut -f2-)
  # 2. Qt's .framework bundles (signing the bundle seals its Versions/A binary and resources).
  while IFS= read -r -d '' framework; do
    codesign_one "$framework"
  done < <(find "$APP/Contents" -type d -name "*.framework" -print0)
  # 3. The main executable and the app itself, with the entitlements.
  codesign_one --entitlements "$ENTITLEMENTS" "$APP/Contents/MacOS/sdrdesk"
  codesign_one --entitlements "$ENTITLEMENTS" "$APP"
  codesign --verify --deep --strict --verbose=2 "$APP"
else
  log "SKIP signing: MACOS_SIGN_IDENTITY is not set (the .dmg keeps PyInstaller's ad-hoc signature)"
fi

# --- Disk image --------------------------------------------------------------------------------------
log "making $DMG"
mkdir -p "$(dirname "$DMG")"
STAGING="$(mktemp -d)"
ditto "$APP" "$STAGING/$(basename "$APP")"  # keeps symlinks, signatures and extended attributes
ln -s /Applications "$STAGING/Applications"  # drag-to-install
rm -f "$DMG"
for attempt in 1 2 3 4 5; do  # hdiutil fails now and then with "Resource busy" on CI runners
  if hdiutil create -volname "$VOLNAME" -srcfolder "$STAGING" -ov -format UDZO -fs HFS+ "$DMG"; then
    break
  fi
  [ "$attempt" = 5 ] && die "hdiutil create failed 5 times"
  log "hdiutil failed (attempt $attempt), retrying in 5 s"
  sleep 5
done
hdiutil verify "$DMG"

if [ -n "$SIGN" ]; then
  codesign --force --timestamp --sign "$SIGN" ${KEYCHAIN:+--keychain "$KEYCHAIN"} "$DMG"
fi

# --- Notarization -------------------------------------------------------------------------------------
NOTARY_ARGS=()
if [ -n "${NOTARY_KEYCHAIN_PROFILE:-}" ]; then
  NOTARY_ARGS=(--keychain-profile "$NOTARY_KEYCHAIN_PROFILE")
elif [ -n "${NOTARY_API_KEY_PATH:-}" ] && [ -n "${NOTARY_API_KEY_ID:-}" ] && [ -n "${NOTARY_API_ISSUER:-}" ]; then
  NOTARY_ARGS=(--key "$NOTARY_API_KEY_PATH" --key-id "$NOTARY_API_KEY_ID" --issuer "$NOTARY_API_ISSUER")
elif [ -n "${NOTARY_APPLE_ID:-}" ] && [ -n "${NOTARY_TEAM_ID:-}" ] && [ -n "${NOTARY_PASSWORD:-}" ]; then
  NOTARY_ARGS=(--apple-id "$NOTARY_APPLE_ID" --team-id "$NOTARY_TEAM_ID" --password "$NOTARY_PASSWORD")
fi

if [ -z "$SIGN" ]; then
  log "SKIP notarization: the app is not signed"
elif [ ${#NOTARY_ARGS[@]} -eq 0 ]; then
  log "SKIP notarization: no NOTARY_* credentials in the environment"
else
  log "notarizing $DMG (notarytool, waits for Apple)"
  xcrun notarytool submit "$DMG" "${NOTARY_ARGS[@]}" --wait --timeout 30m
  xcrun stapler staple "$DMG"
  xcrun stapler validate "$DMG"
  spctl --assess --type open --context context:primary-signature --verbose=2 "$DMG"
fi

log "done: $DMG ($(du -h "$DMG" | cut -f1))"
