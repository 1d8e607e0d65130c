#!/usr/bin/env bash
# Builds FieldFlash's Linux installers with one command:   installer/build.sh
#
#   target/installer/dist/fieldflash_VERSION_amd64.deb            the Debian/Ubuntu package (installs to /opt/fieldflash)
#   target/installer/dist/fieldflash-VERSION-linux-x64.zip        the portable app (unzip anywhere, e.g. a USB stick)
#   target/installer/dist/fieldflash-VERSION-sbom.cdx.json        CycloneDX SBOM: every jar and the Java runtime
#   target/installer/dist/SHA256SUMS                              check with: sha256sum -c SHA256SUMS
#
# Steps: Maven builds the jar and the SBOM (profile "installer", in target/installer/maven); jlink links the app,
# its libraries, JavaFX and the JDK modules they use into one compressed runtime; jpackage makes the app image
# with two launchers (bin/fieldflash, the command; bin/fieldflash-wizard, the wizard); a training run of each
# launcher records a class-data-sharing archive so that they start sooner (the wizard's needs an X display: an
# Xvfb is started when there is none, and without Xvfb the wizard simply starts without its archive); the
# licences go into legal/; dpkg-deb packs the .deb from packaging/linux.
#
# Needs: a JDK 25 (JAVA_HOME, or /usr/lib/jvm/temurin-25-jdk-amd64), dpkg-deb (dpkg), zip, and for the
# wizard's start-up archive Xvfb (apt-get install xvfb). Windows and macOS installers: .github/workflows/installers.yml.
set -euo pipefail

root="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
cd "$root"
if [ -z "${JAVA_HOME:-}" ] || [ ! -x "$JAVA_HOME/bin/jpackage" ]; then
  if [ -x /usr/lib/jvm/temurin-25-jdk-amd64/bin/jpackage ]; then
    export JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64
  else
    echo "installer/build.sh: needs a JDK 25 with jlink and jpackage; set JAVA_HOME to one." >&2
    exit 2
  fi
fi
for tool in dpkg-deb zip; do
  command -v "$tool" >/dev/null || { echo "installer/build.sh: '$tool' is missing (apt-get install dpkg zip)." >&2; exit 2; }
done

out="$root/target/installer"
maven="$out/maven"
work="$out/work"
dist="$out/dist"
rm -rf "$work" "$dist"
mkdir -p "$work" "$dist"
step() { printf '» %s  (%ss)\n' "$*" "$SECONDS"; }

# 1. The jar, its libraries and the SBOM of what the build uses (version: the pom's, the one place it is set).
step "Maven: jar, libraries, SBOM"
./mvnw -B -q -Dmaven.test.skip=true -Pinstaller package
version="$(unzip -p "$maven/fieldflash.jar" io/fieldflash/version.properties | sed -n 's/^version=//p' | tr -d '\r')"
[ -n "$version" ] || { echo "installer/build.sh: no version in the jar" >&2; exit 1; }

# The module path: the app and the runtime libraries. JavaFX's jars without a classifier are empty placeholders.
jars=()
for j in "$maven"/lib/*.jar; do
  case "$(basename "$j")" in javafx-*-[0-9]*[0-9].jar) continue ;; esac
  jars+=("$j")
done
modpath="$maven/fieldflash.jar$(printf ':%s' "${jars[@]}")"

# 2. One runtime: JDK modules, JavaFX, the libraries and the app, compressed, with a class-data-sharing base archive.
#    JavaFX's native libraries go into lib/ (where JavaFX looks first) instead of being unpacked into the
#    user's home on every new version.
step "jlink: the runtime"
runtime="$work/runtime"
"$JAVA_HOME/bin/jlink" --module-path "$modpath" --add-modules io.fieldflash \
  --ignore-signing-information --strip-debug --strip-native-debug-symbols=exclude-debuginfo-files \
  --no-header-files --no-man-pages --compress=zip-6 \
  --exclude-resources='glob:/javafx.graphics/*.so' --generate-cds-archive \
  --output "$runtime"
# The base archive for heaps beyond 32 GB is of no use on a laptop.
rm -f "$runtime/lib/server/classes_nocoops.jsa"
fxjar="$(ls "$maven"/lib/javafx-graphics-*-linux.jar)"
unzip -q -o "$fxjar" '*.so' -d "$runtime/lib"

# 3. The app image with both launchers.
step "jpackage: the app image"
# shellcheck source=../packaging/linux/launchers.conf
. <(grep -E '^FIELDFLASH_[A-Z]+_OPTIONS=' packaging/linux/launchers.conf | sed "s/=\(.*\)/='\1'/")
cat > "$work/fieldflash-wizard.properties" <<EOF
module=io.fieldflash/io.fieldflash.cli.GuiCommand
java-options=$FIELDFLASH_GUI_OPTIONS
icon=$root/icons/png/fieldflash-256.png
EOF
"$JAVA_HOME/bin/jpackage" --type app-image --dest "$work/image" \
  --name fieldflash --app-version "$version" --vendor FieldFlash \
  --description "Offline firmware updater for embedded devices" --copyright "FieldFlash contributors" \
  --icon "$root/icons/png/fieldflash-256.png" \
  --runtime-image "$runtime" --module io.fieldflash/io.fieldflash.cli.Main \
  --java-options "$FIELDFLASH_CLI_OPTIONS" \
  --add-launcher fieldflash-wizard="$work/fieldflash-wizard.properties"
app="$work/image/fieldflash"

# 4. Class-data-sharing archives from a training run of each launcher's work, with the app image's own runtime
#    and the launchers' JVM options. The command's: make a key and a bundle, verify it (which also checks the
#    app image works).
step "training runs: class-data-sharing archives"
java_rt="$app/lib/runtime/bin/java"
train="$work/train"
mkdir -p "$train/home"
opts() { local s="${1//\$APPDIR/$app/lib/app}"; s="${s//\$ROOTDIR/$app}"; tr ' ' '\n' <<<"$s" | grep -v '^$'; }
mapfile -t cli_opts < <(opts "$FIELDFLASH_CLI_OPTIONS" | grep -v -- '-XX:SharedArchiveFile=')
mapfile -t gui_opts < <(opts "$FIELDFLASH_GUI_OPTIONS" | grep -v -- '-XX:SharedArchiveFile=')
export FIELDFLASH_HOME="$train/home"
"$app/bin/fieldflash" keys generate --alg ed25519 --out "$train/key" >/dev/null
head -c 65536 /dev/urandom > "$train/app.bin"
cat > "$train/manifest.json" <<'EOF'
{"vendor": "FieldFlash build", "product": "training", "hardware": ["any"], "version": "1.0.0",
 "securityCounter": 1, "expires": "2099-01-01T00:00:00Z", "images": [{"name": "app"}]}
EOF
"$app/bin/fieldflash" bundle create --manifest "$train/manifest.json" --image "app=$train/app.bin" \
  --key "$train/key.key" --out "$train/training.fwb" >/dev/null
"$java_rt" "${cli_opts[@]}" -XX:ArchiveClassesAtExit="$app/lib/app/fieldflash-cli.jsa" \
  -m io.fieldflash/io.fieldflash.cli.Main verify --trust "$train/key.pub" "$train/training.fwb" >/dev/null

xvfb_pid=""
display="${DISPLAY:-}"
if [ -z "$display" ] && command -v Xvfb >/dev/null; then
  display=":$((300 + $$ % 200))"
  Xvfb "$display" -screen 0 1280x900x24 -nolisten tcp >/dev/null 2>&1 &
  xvfb_pid=$!
  trap '[ -n "$xvfb_pid" ] && kill "$xvfb_pid" 2>/dev/null' EXIT
  sleep 1
fi
if [ -n "$display" ]; then
  DISPLAY="$display" MALLOC_ARENA_MAX=2 "$java_rt" "${gui_opts[@]}" -XX:ArchiveClassesAtExit="$app/lib/app/fieldflash-gui.jsa" \
    -m io.fieldflash/io.fieldflash.cli.GuiCommand --bench-start >/dev/null
else
  echo "  (no display and no Xvfb: the wizard launcher has no start-up archive; it works, but starts slower)"
fi
[ -n "$xvfb_pid" ] && { kill "$xvfb_pid" 2>/dev/null || true; xvfb_pid=""; }
unset FIELDFLASH_HOME

# The wizard launcher on Linux: few malloc arenas keep the wizard's memory low (bin/fieldflash does the same).
# jpackage launchers cannot set an environment variable, so a two-line script runs the native one (which reads
# the JVM options from the .cfg file of its own name).
mv "$app/bin/fieldflash-wizard" "$app/bin/.fieldflash-wizard"
mv "$app/lib/app/fieldflash-wizard.cfg" "$app/lib/app/.fieldflash-wizard.cfg"
cat > "$app/bin/fieldflash-wizard" <<'EOF'
#!/bin/sh
# FieldFlash wizard: the native launcher with glibc's malloc limited to 2 arenas (less memory while updating).
here="$0"
[ -L "$here" ] && here="$(readlink -f "$here")"
MALLOC_ARENA_MAX="${MALLOC_ARENA_MAX:-2}" exec "${here%/*}/.fieldflash-wizard" "$@"
EOF
chmod 0755 "$app/bin/fieldflash-wizard"

# 5. Licences of everything bundled, and the SBOM, inside the app image.
step "licences and SBOM"
legal="$app/legal"
mkdir -p "$legal"
cp packaging/licenses/Apache-2.0.txt packaging/licenses/BSD-3-Clause-ControlsFX.txt "$legal/"
cp "$app/lib/runtime/legal/java.base/LICENSE" "$legal/GPL-2.0-with-classpath-exception.txt"
for j in "${jars[@]}"; do
  name="$(basename "$j" .jar)"
  files="$(unzip -Z1 "$j" | grep -E '^META-INF/[^/]*(LICENSE|NOTICE|COPYING)[^/]*$' || true)"
  [ -n "$files" ] || continue
  mkdir -p "$legal/$name"
  # shellcheck disable=SC2086
  unzip -q -j -o "$j" $files -d "$legal/$name"
done
jackson_cp="$(printf '%s:' "$maven"/lib/jackson-*.jar)"
sbom="$dist/fieldflash-$version-sbom.cdx.json"
"$JAVA_HOME/bin/java" -cp "$jackson_cp" installer/Sbom.java "$maven/fieldflash-sbom.json" "$app/lib/runtime" \
  "$sbom" "$legal/THIRD-PARTY.txt" "$maven/fieldflash.jar" "${jars[@]}"
cp "$sbom" "$legal/fieldflash-sbom.cdx.json"
cat > "$app/README.txt" <<EOF
FieldFlash $version — offline firmware updater

  bin/fieldflash-wizard          the wizard (bin/fieldflash-wizard BUNDLE.fwb opens it on a bundle)
  bin/fieldflash COMMAND         the command line (bin/fieldflash --help)

Portable use (e.g. from a USB stick): create an empty file named fieldflash.portable in this folder, or
start with --portable; settings, trust store, logs and resume state are then kept in data/ here.
Licences of everything bundled: legal/. No Java needs to be installed: the runtime is in lib/runtime.
EOF

# 6. The portable zip (regular files only: it may be unpacked onto a FAT-formatted stick).
step "zip: the portable app"
zip_file="$dist/fieldflash-$version-linux-x64.zip"
(cd "$work/image" && zip -q -r "$zip_file" fieldflash)

# 7. The .deb: the app image in /opt/fieldflash, the command on the PATH, desktop entry, .fwb MIME type, icons.
step "dpkg-deb: the Debian package"
deb_root="$work/deb"
mkdir -p "$deb_root/opt" "$deb_root/usr/bin" "$deb_root/usr/share/applications" "$deb_root/usr/share/mime/packages" \
  "$deb_root/usr/share/doc/fieldflash" "$deb_root/DEBIAN"
cp -a "$app" "$deb_root/opt/fieldflash"
ln -s /opt/fieldflash/bin/fieldflash "$deb_root/usr/bin/fieldflash"
ln -s /opt/fieldflash/bin/fieldflash-wizard "$deb_root/usr/bin/fieldflash-wizard"
install -m 0644 packaging/linux/io.fieldflash.FieldFlash.desktop "$deb_root/usr/share/applications/"
install -m 0644 packaging/linux/fieldflash-mime.xml "$deb_root/usr/share/mime/packages/fieldflash.xml"
for s in 16 22 24 32 48 64 128 256 512; do
  for kind in apps/fieldflash mimetypes/application-x-fieldflash-bundle; do
    install -D -m 0644 "icons/png/fieldflash-$s.png" "$deb_root/usr/share/icons/hicolor/${s}x${s}/$kind.png"
  done
done
install -D -m 0644 icons/fieldflash.svg "$deb_root/usr/share/icons/hicolor/scalable/apps/fieldflash.svg"
ln -s /opt/fieldflash/legal "$deb_root/usr/share/doc/fieldflash/legal"
cat > "$deb_root/usr/share/doc/fieldflash/copyright" <<EOF
FieldFlash $version and the components it bundles. Every component, its version and licence:
/opt/fieldflash/legal/THIRD-PARTY.txt; the licence texts: /opt/fieldflash/legal/;
the SBOM: /opt/fieldflash/legal/fieldflash-sbom.cdx.json; the Java runtime's notices:
/opt/fieldflash/lib/runtime/legal/.
EOF
installed_kb="$(du -sk --exclude=DEBIAN "$deb_root" | cut -f1)"
sed -e "s/@VERSION@/$version/" -e "s/@INSTALLED_SIZE@/$installed_kb/" packaging/linux/control > "$deb_root/DEBIAN/control"
install -m 0755 packaging/linux/postinst packaging/linux/postrm "$deb_root/DEBIAN/"
(cd "$deb_root" && find . -path ./DEBIAN -prune -o -type f -printf '%P\0' | sort -z | xargs -0 md5sum > DEBIAN/md5sums)
chmod -R u+rwX,go+rX,go-w "$deb_root"
deb_file="$dist/fieldflash_${version}_amd64.deb"
dpkg-deb --root-owner-group -Zxz -z6 --build "$deb_root" "$deb_file" >/dev/null

# 8. Checksums, and the sizes.
(cd "$dist" && sha256sum -- *.deb *.zip *.json > SHA256SUMS)
mb() { awk -v b="$1" 'BEGIN { printf "%.1f MB", b / 1e6 }'; }
runtime_bytes="$(du -sb "$app/lib/runtime" | cut -f1)"
echo "FieldFlash $version installers in $dist (built in ${SECONDS}s):"
printf '  runtime   %-10s  lib/runtime in the app image (jlink, compressed)\n' "$(mb "$runtime_bytes")"
printf '  .deb      %-10s  %s\n' "$(mb "$(stat -c %s "$deb_file")")" "$(basename "$deb_file")"
printf '  zip       %-10s  %s\n' "$(mb "$(stat -c %s "$zip_file")")" "$(basename "$zip_file")"
printf '  SBOM                  %s\n' "$(basename "$sbom")"
printf '  checksums             SHA256SUMS (sha256sum -c SHA256SUMS)\n'
