#!/usr/bin/env bash
# Runs every test of Longwen on a fresh Debian/Ubuntu machine: formatting and lints, unit and
# integration tests (engine, CLI and shell against the mock service), the Python SDK checks, and the
# end-to-end tests in the real webview. Installs what it needs, and starts Xvfb, a D-Bus session with
# an unlocked gnome-keyring, and the mock service itself.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
scripts/setup-system.sh --with-driver --with-audit
# PDFium for the PDF previews' tests (from the pinned pypdfium2 wheel; once).
scripts/fetch-pdfium.sh
# Qwen's tokenizer vocabulary, for the mock's token counts (from the pinned DashScope SDK wheel).
scripts/fetch-qwen-vocab.sh

export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"
# The tests point HOME at a temp dir; keep the toolchain where it is.
export CARGO_HOME="${CARGO_HOME:-$HOME/.cargo}"
export RUSTUP_HOME="${RUSTUP_HOME:-$HOME/.rustup}"
export CARGO_TERM_COLOR=never
export LONGWEN_FIXTURES="${LONGWEN_FIXTURES:-$root/../shared/fixtures}"
export LONGWEN_PDFIUM="${LONGWEN_PDFIUM:-$root/.pdfium/libpdfium.so}"

echo "== format"
cargo fmt --all --check

# Clippy lints our own crates while they are built (its driver wraps rustc for workspace members
# only), so the dependencies are compiled once instead of checked for `cargo clippy` and then built
# again. `-D warnings` as `cargo clippy -- -D warnings` passes it. Kept for the tests below, so that
# `cargo test` reuses these builds.
RUSTC_WORKSPACE_WRAPPER=$(command -v clippy-driver) || {
  echo "clippy is missing: rustup component add clippy" >&2
  exit 1
}
export RUSTC_WORKSPACE_WRAPPER
export CLIPPY_ARGS="-D__CLIPPY_HACKERY__warnings__CLIPPY_HACKERY__"

echo "== dependency audit (RustSec advisories from ../shared/advisory-db, offline)"
# Any vulnerability fails the run, and so does any warning (unmaintained, unsound) that is not
# one of these, each explained in docs/security.md ("Dependency audit"). Yanked crates are not
# looked up: that needs the live crates.io index, and this run must not change with it.
accepted=(
  # gtk-rs GTK3 bindings, unmaintained: Tauri 2's Linux webview stack (gtk, gdk, atk, ...).
  RUSTSEC-2024-0411 RUSTSEC-2024-0412 RUSTSEC-2024-0413 RUSTSEC-2024-0414 RUSTSEC-2024-0415
  RUSTSEC-2024-0416 RUSTSEC-2024-0417 RUSTSEC-2024-0418 RUSTSEC-2024-0419 RUSTSEC-2024-0420
  # proc-macro-error, unmaintained: a build-time macro helper of glib-macros 0.18.
  RUSTSEC-2024-0370
  # glib 0.18, unsound VariantStrIter: nothing in the tree calls it.
  RUSTSEC-2024-0429
)
cargo audit --db "${LONGWEN_ADVISORY_DB:-$root/../shared/advisory-db}" --no-fetch --no-yanked \
  --deny warnings "${accepted[@]/#/--ignore=}"

echo "== build, with clippy's lints as errors"
cargo build --workspace --all-targets --locked

scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
mkdir -p "$scratch/home" "$scratch/data"
export HOME="$scratch/home" XDG_DATA_HOME="$scratch/data" XDG_CONFIG_HOME="$scratch/home/.config"
unset DASHSCOPE_API_KEY LONGWEN_BASE_URL LONGWEN_DATA_DIR

echo "== tests (Xvfb, D-Bus session, gnome-keyring)"
xvfb-run -a -s "-screen 0 1280x1024x24" dbus-run-session -- bash -c '
  set -euo pipefail
  echo -n longwen-test | gnome-keyring-daemon --unlock --components=secrets >/dev/null
  cargo test --workspace --locked
  tests/python/run.sh
'
