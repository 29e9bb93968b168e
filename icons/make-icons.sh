#!/bin/sh
# Regenerates the app icons: the character 长 on a calm blue rounded square (ImageMagick 6,
# Noto Sans CJK Bold). Tauri's generate_context! needs these files to exist.
set -eu
cd "$(dirname "$0")"
FONT=${FONT:-/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc}
convert -size 512x512 xc:none \( -size 480x480 gradient:'#3f7fc4-#2b5f9e' \) -geometry +16+16 -compose over -composite \
  \( -size 512x512 xc:none -fill white -draw "roundrectangle 16,16,495,495,104,104" \) -compose DstIn -composite \
  -compose over -font "$FONT" -pointsize 300 -fill white -gravity center -annotate +0+4 '长' PNG32:icon.png
convert icon.png -resize 32x32 PNG32:32x32.png
convert icon.png -resize 128x128 PNG32:128x128.png
convert icon.png -resize 256x256 PNG32:128x128@2x.png
convert icon.png -define icon:auto-resize=256,128,64,48,32,16 icon.ico
