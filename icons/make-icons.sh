#!/usr/bin/env bash
# Makes every icon bitmap from icons/fieldflash.svg, with Debian's tools:
#   apt-get install --no-install-recommends librsvg2-bin imagemagick icnsutils
#   icons/make-icons.sh
# Writes icons/png/fieldflash-SIZE.png (the sizes a Linux desktop looks up in the hicolor theme),
# icons/fieldflash.ico (Windows: 16-256 in one file), icons/fieldflash.icns (macOS) and the window icons in
# src/main/resources/io/fieldflash/ui/icons/. The bitmaps are
# committed, so building the installers does not need these tools; run this after changing the SVG.
set -euo pipefail
cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")"
svg=fieldflash.svg
# ImageMagick 6 (Debian 12) names its command convert, ImageMagick 7 magick.
im="$(command -v magick || command -v convert-im6.q16 || command -v convert)"

mkdir -p png
for s in 16 22 24 32 48 64 128 256 512; do
  rsvg-convert -w "$s" -h "$s" "$svg" -o "png/fieldflash-$s.png"
done
"$im" png/fieldflash-16.png png/fieldflash-24.png png/fieldflash-32.png png/fieldflash-48.png \
      png/fieldflash-64.png png/fieldflash-128.png png/fieldflash-256.png fieldflash.ico
png2icns fieldflash.icns png/fieldflash-16.png png/fieldflash-32.png png/fieldflash-48.png \
      png/fieldflash-128.png png/fieldflash-256.png png/fieldflash-512.png >/dev/null
# The window and the About dialog use the same bitmaps from the app's resources.
res=../src/main/resources/io/fieldflash/ui/icons
mkdir -p "$res"
for s in 16 32 48 64 128 256; do cp "png/fieldflash-$s.png" "$res/"; done
ls -l png fieldflash.ico fieldflash.icns "$res"
