#!/usr/bin/env bash
# Installs what building, running and testing Longwen needs on Debian/Ubuntu, skipping what is there.
# Usage: scripts/setup-system.sh [--with-driver] [--with-audit]
#   --with-driver  tauri-driver, for the end-to-end tests and UI benchmarks
#   --with-audit   cargo-audit, for the dependency audit of scripts/test.sh
set -euo pipefail

with_driver=false
with_audit=false
for arg in "$@"; do
  case "$arg" in
    --with-driver) with_driver=true ;;
    --with-audit) with_audit=true ;;
    *) echo "unknown option: $arg" >&2; exit 2 ;;
  esac
done

packages=(build-essential pkg-config file curl ca-certificates libssl-dev libdbus-1-dev
  libwebkit2gtk-4.1-dev libjavascriptcoregtk-4.1-dev libsoup-3.0-dev libgtk-3-dev
  libayatana-appindicator3-dev librsvg2-dev libxdo-dev xvfb xauth webkit2gtk-driver
  dbus dbus-x11 gnome-keyring libsecret-1-dev libsecret-tools keyutils fonts-noto-cjk
  python3 python3-venv python3-pip python3-gi gir1.2-gtk-3.0 imagemagick xdotool time xclip)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "installing system packages: ${missing[*]}"
  sudo_cmd=()
  [ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"
if ! command -v cargo >/dev/null; then
  echo "Rust is missing: install it from https://rustup.rs, then run this again." >&2
  exit 1
fi

# The end-to-end tests and UI benchmarks drive the app through tauri-driver (Tauri 2's).
if $with_driver && ! command -v tauri-driver >/dev/null; then
  echo "installing tauri-driver"
  cargo install tauri-driver --locked --version '^2'
fi

# The dependency audit reads the RustSec advisory database in ../shared, offline (built from
# crates.io source: a few minutes, once per machine).
if $with_audit && ! command -v cargo-audit >/dev/null; then
  echo "installing cargo-audit"
  cargo install cargo-audit --locked --version '^0.22'
fi
