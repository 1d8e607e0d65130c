#!/usr/bin/env bash
# Builds the Windows MSI or the macOS DMG:   installer/build-native.sh msi|dmg
# Runs on a Windows runner (Git Bash, WiX 3 on the PATH) or a macOS runner: .github/workflows/installers.yml.
# NOT run on the Linux build machine (docs/install.md says what was built and checked where).
# The same steps as installer/build.sh: Maven (jar, libraries, SBOM), jlink (one runtime), jpackage (app image,
# then the installer from it). The wizard is the main launcher ("FieldFlash", opens .fwb files); the command is
# "fieldflash-cli" (Windows and macOS file names ignore case: "fieldflash" would clash with "FieldFlash").
set -euo pipefail
type="${1:?usage: installer/build-native.sh msi|dmg}"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
: "${JAVA_HOME:?set JAVA_HOME to a JDK 25}"
bin="$JAVA_HOME/bin"
case "$type" in
  msi) sep=';'; natives='*.dll';   native_dir=bin; icon=icons/fieldflash.ico ;;
  dmg) sep=':'; natives='*.dylib'; native_dir=lib; icon=icons/fieldflash.icns ;;
  *) echo "installer/build-native.sh: type must be msi or dmg" >&2; exit 2 ;;
esac

out="$root/target/installer"
maven="$out/maven"; work="$out/work"; dist="$out/dist"
rm -rf "$work" "$dist"; mkdir -p "$work" "$dist"

./mvnw -B -q -Dmaven.test.skip=true -Pinstaller package
version="$(unzip -p "$maven/fieldflash.jar" io/fieldflash/version.properties | sed -n 's/^version=//p' | tr -d '\r')"
jars=()
for j in "$maven"/lib/*.jar; do
  case "$(basename "$j")" in javafx-*-[0-9]*[0-9].jar) continue ;; esac
  jars+=("$j")
done
modpath="$maven/fieldflash.jar$(printf "$sep%s" "${jars[@]}")"

"$bin/jlink" --module-path "$modpath" --add-modules io.fieldflash \
  --ignore-signing-information --strip-debug --no-header-files --no-man-pages --compress=zip-6 \
  --exclude-resources="glob:/javafx.graphics/$natives" --output "$work/runtime"
unzip -q -o "$(ls "$maven"/lib/javafx-graphics-*-*.jar | grep -v -- '-[0-9.]*\.jar$' | head -1)" "$natives" -d "$work/runtime/$native_dir"

. <(grep -E '^FIELDFLASH_[A-Z]+_OPTIONS=' packaging/linux/launchers.conf | sed "s/=\(.*\)/='\1'/")
cat > "$work/fieldflash-cli.properties" <<EOF
module=io.fieldflash/io.fieldflash.cli.Main
java-options=$FIELDFLASH_CLI_OPTIONS
win-console=true
EOF
# Licences and the SBOM go into the app as legal/ (jpackage --app-content), as on Linux.
legal="$work/legal"
mkdir -p "$legal"
cp packaging/licenses/Apache-2.0.txt packaging/licenses/BSD-3-Clause-ControlsFX.txt "$legal/"
cp "$work/runtime/legal/java.base/LICENSE" "$legal/GPL-2.0-with-classpath-exception.txt"
sbom="$dist/fieldflash-$version-sbom.cdx.json"
"$bin/java" -cp "$(printf "%s$sep" "$maven"/lib/jackson-*.jar)" installer/Sbom.java "$maven/fieldflash-sbom.json" \
  "$work/runtime" "$sbom" "$legal/THIRD-PARTY.txt" "$maven/fieldflash.jar" "${jars[@]}"
cp "$sbom" "$legal/fieldflash-sbom.cdx.json"

common=(--name FieldFlash --app-version "$version" --vendor FieldFlash
        --description "Offline firmware updater for embedded devices" --copyright "FieldFlash contributors")
"$bin/jpackage" --type app-image --dest "$work/image" "${common[@]}" --icon "$icon" \
  --runtime-image "$work/runtime" --module io.fieldflash/io.fieldflash.cli.GuiCommand --app-content "$legal" \
  --java-options "$FIELDFLASH_GUI_OPTIONS" --add-launcher fieldflash-cli="$work/fieldflash-cli.properties"

app="$work/image/FieldFlash"
[ "$type" = dmg ] && app="$work/image/FieldFlash.app"

if [ "$type" = msi ]; then
  "$bin/jpackage" --type msi --dest "$dist" "${common[@]}" --app-image "$app" \
    --file-associations packaging/windows/fwb.properties \
    --win-menu --win-menu-group FieldFlash --win-shortcut \
    --win-upgrade-uuid 6f1c7d52-3b8e-4d0a-9a57-3c1f0b7e2a41
else
  "$bin/jpackage" --type dmg --dest "$dist" "${common[@]}" --app-image "$app" \
    --file-associations packaging/macos/fwb.properties
fi
(cd "$dist" && for f in *; do [ "$f" = SHA256SUMS ] || shasum -a 256 "$f"; done > SHA256SUMS)
ls -l "$dist"
