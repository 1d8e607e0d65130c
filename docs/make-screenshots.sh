#!/usr/bin/env bash
# Takes the user guide's screenshots from the real app under Xvfb: runs 'fieldflash gui --tour' (the demo,
# stopping at each page) and photographs the X screen at each stop with ImageMagick's import.
# Needs: xvfb, imagemagick (and socat for the USB cable pictures). Writes docs/images/*.png.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
out="$root/docs/images"
mkdir -p "$out"
home="$(mktemp -d)"
display=":$((90 + RANDOM % 100))"
Xvfb "$display" -screen 0 1440x900x24 >/dev/null 2>&1 &
xvfb=$!
trap 'kill $xvfb 2>/dev/null; rm -rf "$home"' EXIT
sleep 1
# an example vendor key in the laptop's trust store, for the settings picture
FIELDFLASH_HOME="$home" "$root/bin/fieldflash" keys generate --alg ed25519 --out "$home/acme-release" >/dev/null
FIELDFLASH_HOME="$home" "$root/bin/fieldflash" trust add "$home/acme-release.pub" --name "Acme release 2026" \
  --product crossing-controller --not-after 2028-01-01T00:00:00Z >/dev/null
fifo="$home/answers"
mkfifo "$fifo"
exec 3<>"$fifo"
DISPLAY="$display" FIELDFLASH_HOME="$home" "$root/bin/fieldflash" gui --tour <&3 | while read -r word name; do
  case "$word" in
    SHOT) case "$name" in
            6-*|7-*) DISPLAY="$display" import -window root "$out/$name.png" ;;                       # a second window: the whole screen
            *)   DISPLAY="$display" import -window root -crop 1366x768+0+0 +repage "$out/$name.png" ;;
          esac
          echo "  $name.png"; echo ok >&3 ;;
    TOUR) echo "tour: $name" ;;
  esac
done
# the depot view (several units at once) is photographed by its headless test, on two simulated units over ptys
# (needs socat): one updated, one refused with its Retry
[ -n "${JAVA_HOME:-}" ] || { [ -x /usr/lib/jvm/temurin-25-jdk-amd64/bin/java ] && export JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64; }
(cd "$root" && ./mvnw -B -q test -Dtest=DepotWindowTest -Dsurefire.failIfNoSpecifiedTests=false -Dfieldflash.screenshots="$out") \
  && echo "  7-depot.png"
