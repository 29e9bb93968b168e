#!/usr/bin/env bash
# Runs the official openai SDK against the mock, as DashScope's docs use it.
# Usage: tests/python/run.sh [pytest args]   (env LONGWEN_FIXTURES overrides ../shared/fixtures)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
OPENAI_VERSION=2.54.0
PYTEST_VERSION=9.2.0

venv="$repo/.venv"
[ -x "$venv/bin/python" ] || python3 -m venv "$venv"
if ! "$venv/bin/python" -c "import importlib.metadata as m, sys; sys.exit(not (m.version('openai') == '$OPENAI_VERSION' and m.version('pytest') == '$PYTEST_VERSION'))" 2>/dev/null; then
  "$venv/bin/pip" install --quiet "openai==$OPENAI_VERSION" "pytest==$PYTEST_VERSION"
fi

(cd "$repo" && cargo build --quiet -p mock-dashscope)
mock="${CARGO_TARGET_DIR:-$repo/target}/debug/mock-dashscope"

out="$(mktemp -d)"
mkfifo "$out/stdout"
"$mock" --port 0 > "$out/stdout" &
mock_pid=$!
trap 'kill "$mock_pid" 2>/dev/null || true; wait "$mock_pid" 2>/dev/null || true; rm -rf "$out"' EXIT
# Keep the fifo open so the mock never writes into a closed pipe.
exec 3< "$out/stdout"
read -r line <&3
url="${line#listening on }"
[ "$url" != "$line" ] || { echo "unexpected first line from mock: $line" >&2; exit 1; }
echo "mock at $url"

cd "$here"
MOCK_BASE_URL="$url" OPENAI_BASE_URL="$url" DASHSCOPE_API_KEY="${DASHSCOPE_API_KEY:-sk-python-tests}" \
  "$venv/bin/python" -m pytest -p no:cacheprovider -q "$@"
