#!/usr/bin/env bash
# Puts Qwen's tokenizer vocabulary (qwen.tiktoken) in .qwen/ of the repo, taken from the
# DashScope Python SDK's wheel on the Python package index (pinned by version and SHA-256).
# The mock service counts tokens with it the way the real service does, so the tests can hold
# the app's token estimate to the real count. Test-only: nothing ships it.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
dest="$root/.qwen"
version=2.0.2
wheel="dashscope-$version-py3-none-any.whl"
wheel_sha=0602d1800f7433bdb7953560986eaf5146454ed3988636c0a91963ba24e74258
vocab_sha=b2b1b8dfb5cc5f024bafc373121c6aba3f66f9a5a0269e243470a1de16a33186
[ -f "$dest/qwen.tiktoken" ] && exit 0
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
python3 -m pip download --quiet --no-deps --only-binary=:all: -d "$tmp" "dashscope==$version"
echo "$wheel_sha  $tmp/$wheel" | sha256sum -c --quiet
mkdir -p "$dest"
python3 - "$tmp/$wheel" "$dest" <<'PY'
import sys, zipfile
with zipfile.ZipFile(sys.argv[1]) as z:
    open(sys.argv[2] + "/qwen.tiktoken", "wb").write(z.read("dashscope/resources/qwen.tiktoken"))
PY
echo "$vocab_sha  $dest/qwen.tiktoken" | sha256sum -c --quiet
echo "Qwen tokenizer vocabulary ready in $dest"
