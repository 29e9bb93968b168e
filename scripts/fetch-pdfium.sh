#!/usr/bin/env bash
# Puts PDFium (libpdfium.so, for PDF previews) in .pdfium/ of the repo, taken from the pypdfium2
# wheel on the Python package index (Debian has no PDFium package). The wheel is pinned by
# version and SHA-256. Skips the work when the library is already there.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
dest="$root/.pdfium"
version=5.15.2
wheel="pypdfium2-$version-py3-none-manylinux_2_17_x86_64.manylinux2014_x86_64.whl"
wheel_sha=dc31aea5b0fb9fefc9b537a65f4113980b2c40798445736a7e6565bc85161e37
[ -f "$dest/libpdfium.so" ] && exit 0
[ "$(uname -sm)" = "Linux x86_64" ] || { echo "fetch-pdfium: only Linux x86_64 is set up" >&2; exit 1; }
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
python3 -m pip download --quiet --no-deps --only-binary=:all: --platform manylinux_2_17_x86_64 \
  --python-version 3.11 -d "$tmp" "pypdfium2==$version"
echo "$wheel_sha  $tmp/$wheel" | sha256sum -c --quiet
mkdir -p "$dest"
python3 - "$tmp/$wheel" "$dest" <<'PY'
import sys, zipfile
with zipfile.ZipFile(sys.argv[1]) as z:
    open(sys.argv[2] + "/libpdfium.so", "wb").write(z.read("pypdfium2_raw/libpdfium.so"))
    # PDFium's licence (BSD-3-Clause and the third-party notices) goes with the library.
    import os
    os.makedirs(sys.argv[2] + "/licenses", exist_ok=True)
    for n in z.namelist():
        if ".dist-info/licenses/" in n and not n.endswith("/"):
            open(sys.argv[2] + "/licenses/" + n.rsplit("/", 1)[-1], "wb").write(z.read(n))
PY
echo "PDFium $version ready in $dest"
