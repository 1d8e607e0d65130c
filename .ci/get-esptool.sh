#!/usr/bin/env bash
# Installs Espressif's esptool 4.7.0, the reference peer the serial (esp-rom) tests run against, and prints the
# command that runs it. PyPI is out of reach here, and Debian bookworm has no esptool package; Debian trixie's
# package is pure Python ("all"), so it is downloaded with apt, unpacked (not installed: trixie's dependency
# versions do not fit bookworm) and run with the machine's python3 and bookworm's own python3 libraries.
# Usage: .ci/get-esptool.sh [DIR]      DIR defaults to ~/.cache/fieldflash/esptool-4.7.0
# Then:  "$(.ci/get-esptool.sh)" version
set -euo pipefail
version=4.7.0+dfsg-0.1
dir=${1:-${XDG_CACHE_HOME:-$HOME/.cache}/fieldflash/esptool-4.7.0}
cmd="$dir/esptool"
if [ ! -x "$cmd" ]; then
  mkdir -p "$dir/apt/lists/partial" "$dir/deb"
  echo "deb http://deb.debian.org/debian trixie main" > "$dir/apt/sources.list"
  apt_opts=(-o "Dir::Etc::SourceList=$dir/apt/sources.list" -o Dir::Etc::SourceParts=/dev/null -o "Dir::State::Lists=$dir/apt/lists")
  apt-get "${apt_opts[@]}" update >/dev/null
  (cd "$dir/deb" && apt-get "${apt_opts[@]}" download "esptool=$version" >/dev/null 2>&1)
  rm -rf "$dir/root"
  dpkg -x "$dir"/deb/esptool_*.deb "$dir/root"
  # what esptool imports, from the machine's own release (reedsolo is only for espefuse, not needed)
  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
    python3-serial python3-bitstring python3-cryptography python3-ecdsa python3-intelhex python3-yaml >/dev/null
  printf '#!/bin/sh\nPYTHONPATH=%s exec /usr/bin/python3 -m esptool "$@"\n' "$dir/root/usr/lib/python3/dist-packages" > "$cmd.tmp"
  chmod +x "$cmd.tmp"
  mv "$cmd.tmp" "$cmd"
fi
"$cmd" version >/dev/null
echo "$cmd"
