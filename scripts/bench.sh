#!/usr/bin/env bash
# Benchmarks of the engine through the CLI against the local mock service (release builds).
# Writes the numbers to docs/benchmarks.md. Usage: scripts/bench.sh
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
scripts/setup-system.sh --with-driver
export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"
export CARGO_HOME="${CARGO_HOME:-$HOME/.cargo}" RUSTUP_HOME="${RUSTUP_HOME:-$HOME/.rustup}"
export LONGWEN_FIXTURES="${LONGWEN_FIXTURES:-$root/../shared/fixtures}"
cargo build --release -p longwen-cli -p mock-dashscope

work=$(mktemp -d)
mock_pid=
cleanup() { [ -n "$mock_pid" ] && kill "$mock_pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

exec 3< <(exec target/release/mock-dashscope --port 0)
mock_pid=$!
read -r line <&3
export LONGWEN_BASE_URL=${line#listening on }
export DASHSCOPE_API_KEY=sk-bench-0123456789
export LONGWEN_DATA_DIR="$work/data"

# field NAME FILE: a value from /usr/bin/time -v's report
field() { grep -F "$1" "$2" | sed 's/.*: //'; }

# 1. A 150 MB upload: peak memory must stay far below the file size (streamed from disk).
size=150000000
head -c "$size" /dev/urandom > "$work/big-report.txt"
/usr/bin/time -v target/release/longwen files upload "$work/big-report.txt" > "$work/upload.out" 2> "$work/upload.time"
upload_rss_kb=$(field "Maximum resident set size" "$work/upload.time")
upload_wall=$(field "Elapsed (wall clock)" "$work/upload.time")
uploaded_bytes=$(cut -f3 "$work/upload.out")
[ "$uploaded_bytes" = "$size" ] || { echo "upload reported $uploaded_bytes bytes, expected $size" >&2; exit 1; }

# 2. A long streamed answer (~30,000 tokens of Markdown), written to the database as it arrives.
echo "Quarterly figures, in plain text." > "$work/notes.txt"
/usr/bin/time -v target/release/longwen ask --text "$work/notes.txt" "[[mock:long=30000]] Summarise" \
  > "$work/answer.out" 2> "$work/answer.time"
answer_rss_kb=$(field "Maximum resident set size" "$work/answer.time")
answer_wall=$(field "Elapsed (wall clock)" "$work/answer.time")
answer_chars=$(wc -m < "$work/answer.out")
chat=$(grep '^chat: ' "$work/answer.time" | cut -d' ' -f2)
completion=$(grep '^usage: ' "$work/answer.time" | sed 's/.*completion=\([0-9]*\).*/\1/')
timings=$(target/release/longwen chats show "$chat" --json |
  python3 -c 'import json,sys; m=json.load(sys.stdin)["messages"][-1]; print(m["first_token_ms"], m["total_ms"], m["status"])')
read -r ttft_ms total_ms status <<<"$timings"

cat > docs/benchmarks.md <<MD
# Benchmarks

Measured by \`scripts/bench.sh\` (release builds, against the local mock service on loopback) on
$(date -u +%Y-%m-%d), $(nproc) cores, $(uname -m), $(. /etc/os-release && echo "$PRETTY_NAME").
Peak memory is \`/usr/bin/time -v\`'s "Maximum resident set size" of the \`longwen\` process.

| what | result | target |
|---|---|---|
| upload of a ${size}-byte (150 MB) file: peak RSS of the CLI | $((upload_rss_kb / 1024)) MB | under 100 MB |
| upload of the same file: wall time (loopback) | ${upload_wall} | – |
| long answer: ${completion} chunks, ${answer_chars} characters streamed to stdout | ${answer_wall} wall | – |
| long answer: peak RSS of the CLI | $((answer_rss_kb / 1024)) MB | – |
| long answer: time to first token / total (stored with the message) | ${ttft_ms} ms / ${total_ms} ms, status ${status} | – |

The upload is streamed from disk with a known length (\`Content-Length\`), so memory does not grow with
the file. The answer is appended to the database at least once a second while it streams.
MD

# 3. Local extraction (previews, quotes): each fixture, and a quotation in 2 million characters.
scripts/fetch-pdfium.sh
extract_rows=$(LONGWEN_PDFIUM="$root/.pdfium/libpdfium.so" cargo bench -p longwen-core --bench extract 2>/dev/null)
cat >> docs/benchmarks.md <<MD

## Local extraction and quotes

\`cargo bench -p longwen-core --bench extract\` (\`crates/longwen-core/benches/extract.rs\`, release): each
fixture read by the extractor the preview uses (PDFium for PDF, office_oxide for Office files, rbook for
EPUB), then a quotation looked up in 2 million characters of contract text (target: under 50 ms a quote).
The fixtures are small, so the throughput is dominated by opening each file.

${extract_rows}
MD

mkdir -p "$work/home"
# 4. The desktop app in its real webview (release build), under Xvfb with a D-Bus session.
ui_rows=$(xvfb-run -a -s "-screen 0 1280x1024x24" dbus-run-session -- bash -c '
  echo -n bench | gnome-keyring-daemon --unlock --components=secrets >/dev/null
  HOME="$0" XDG_DATA_HOME="$0/.local/share" cargo bench -p longwen-desktop --bench ui 2>/dev/null' "$work/home" 2>/dev/null | grep "^|")
cat >> docs/benchmarks.md <<MD

## The desktop app

\`cargo bench -p longwen-desktop --bench ui\` (\`benches/ui.rs\`): a release build driven through
tauri-driver and WebKitWebDriver under Xvfb, against the in-process mock. Memory is the PSS summed over
the app and its WebKit processes. The mock sends the 30,000-token answer as fast as loopback allows (far
faster than the real service), which is the worst case for rendering.

${ui_rows}
MD
cat docs/benchmarks.md
