#!/usr/bin/env bash
# Builds and starts the desktop app. Extra arguments are documents to open.
#   LONGWEN_DEMO=1 scripts/run.sh   starts the local mock service and points the app at it.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
scripts/setup-system.sh
# PDFium for PDF previews (without it they fall back to a rougher reader).
if scripts/fetch-pdfium.sh; then
  export LONGWEN_PDFIUM="${LONGWEN_PDFIUM:-$root/.pdfium/libpdfium.so}"
else
  echo "PDFium could not be fetched: PDF previews will be rough" >&2
fi
cargo build --release -p longwen-desktop
if [ "${LONGWEN_DEMO:-0}" = 1 ]; then
  cargo build --release -p mock-dashscope
  exec 3< <(exec target/release/mock-dashscope --port 0 --parse-delay-ms 800 --chunk-delay-ms 15)
  mock_pid=$!
  trap 'kill "$mock_pid" 2>/dev/null' EXIT
  read -r line <&3
  export LONGWEN_BASE_URL=${line#listening on }
  export DASHSCOPE_API_KEY=${DASHSCOPE_API_KEY:-sk-demo-key}
  # A data folder of its own, so the demo's documents and chats stay out of the real ones.
  export LONGWEN_DATA_DIR=${LONGWEN_DATA_DIR:-${XDG_DATA_HOME:-$HOME/.local/share}/longwen-demo}
  echo "demo: using the mock service at $LONGWEN_BASE_URL"
  target/release/longwen-desktop "$@"
  exit
fi
exec target/release/longwen-desktop "$@"
