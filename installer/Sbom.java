import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Properties;
import java.util.TreeSet;

/**
 * Completes the CycloneDX SBOM that Maven's cyclonedx plugin wrote for installer/build.sh: ties every jar that
 * went into the app (by file name and the SHA-256 of the bytes shipped) to its component, adds the Java runtime
 * jlink made as a component of its own, and writes THIRD-PARTY.txt (component, version, licence) for legal/.
 *
 * <pre>java -cp JACKSON_JARS installer/Sbom.java MAVEN_SBOM RUNTIME_DIR OUT_SBOM OUT_THIRD_PARTY APP_JAR LIBRARY_JAR...</pre>
 */
public final class Sbom {
    public static void main(String[] args) throws Exception {
        Path mavenSbom = Path.of(args[0]), runtime = Path.of(args[1]), outSbom = Path.of(args[2]), outThirdParty = Path.of(args[3]);
        Path appJar = Path.of(args[4]);
        ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode bom = (ObjectNode) json.readTree(mavenSbom.toFile());
        ArrayNode components = (ArrayNode) bom.withArray("components");

        ObjectNode app = (ObjectNode) bom.path("metadata").path("component");
        shipped(app, "lib/runtime/lib/modules (linked in)", appJar);

        List<String> missing = new ArrayList<>();
        for (int i = 5; i < args.length; i++) {
            Path jar = Path.of(args[i]);
            ObjectNode c = componentOf(components, jar.getFileName().toString());
            if (c == null) missing.add(jar.getFileName().toString());
            else shipped(c, "lib/runtime/lib/modules (linked in)", jar);
        }
        if (!missing.isEmpty()) throw new IllegalStateException("jars with no component in the SBOM: " + missing);

        components.add(runtimeComponent(json, runtime));
        json.writeValue(outSbom.toFile(), bom);
        Files.writeString(outThirdParty, thirdParty(bom), StandardCharsets.UTF_8);
    }

    /** The component a jar came from: artifactId-version[-classifier].jar against name, version and the purl's classifier. */
    private static ObjectNode componentOf(ArrayNode components, String file) {
        for (JsonNode n : components) {
            String purl = n.path("purl").asText("");
            String classifier = purl.contains("classifier=") ? purl.replaceAll(".*classifier=([^&]*).*", "$1") : "";
            String expected = n.path("name").asText() + "-" + n.path("version").asText() + (classifier.isEmpty() ? "" : "-" + classifier) + ".jar";
            if (expected.equals(file)) return (ObjectNode) n;
        }
        return null;
    }

    /** Records which file was shipped and the SHA-256 of its bytes (Bouncy Castle's are re-packed without signature files). */
    private static void shipped(ObjectNode component, String where, Path file) throws Exception {
        ArrayNode props = component.withArray("properties");
        props.addObject().put("name", "fieldflash:shipped-file").put("value", file.getFileName().toString());
        props.addObject().put("name", "fieldflash:shipped-sha256").put("value", sha256(file));
        props.addObject().put("name", "fieldflash:shipped-in").put("value", where);
    }

    private static ObjectNode runtimeComponent(ObjectMapper json, Path runtime) throws Exception {
        Properties release = new Properties();
        try (InputStream in = Files.newInputStream(runtime.resolve("release"))) {
            release.load(in);
        }
        String version = unquote(release.getProperty("JAVA_RUNTIME_VERSION", release.getProperty("JAVA_VERSION", "?")));
        String vendor = unquote(release.getProperty("IMPLEMENTOR", "?"));
        String modules = unquote(release.getProperty("MODULES", ""));
        ObjectNode c = json.createObjectNode();
        c.put("type", "platform");
        c.put("bom-ref", "fieldflash-runtime");
        c.putObject("supplier").put("name", vendor);
        c.put("name", "fieldflash-runtime");
        c.put("version", version);
        c.put("description", "The Java runtime shipped with FieldFlash, made by jlink from " + vendor + " " + version
                + " and the JavaFX and library modules listed here (lib/runtime in the app image).");
        c.withArray("licenses").addObject().putObject("license").put("id", "GPL-2.0-with-classpath-exception");
        c.withArray("hashes").addObject().put("alg", "SHA-256").put("content", sha256(runtime.resolve("lib/modules")));
        ArrayNode props = c.withArray("properties");
        props.addObject().put("name", "fieldflash:jlink-modules").put("value", modules);
        props.addObject().put("name", "fieldflash:shipped-in").put("value", "lib/runtime");
        return c;
    }

    private static String thirdParty(JsonNode bom) {
        StringBuilder s = new StringBuilder();
        JsonNode app = bom.path("metadata").path("component");
        s.append("Components bundled with FieldFlash ").append(app.path("version").asText())
                .append(" (from the CycloneDX SBOM fieldflash-sbom.cdx.json)\n\n");
        TreeSet<String> lines = new TreeSet<>();
        for (JsonNode c : bom.path("components")) {
            List<String> licences = new ArrayList<>();
            for (JsonNode l : c.path("licenses")) {
                JsonNode lic = l.path("license");
                licences.add(lic.has("id") ? lic.path("id").asText() : lic.path("name").asText(l.path("expression").asText("?")));
            }
            String group = c.path("group").asText("");
            lines.add(String.format("%-60s %-12s %s", (group.isEmpty() ? "" : group + ":") + c.path("name").asText(),
                    c.path("version").asText(), licences.isEmpty() ? "?" : String.join(" OR ", licences)));
        }
        lines.forEach(l -> s.append(l).append('\n'));
        s.append("\nLicence texts: the files in this folder; the runtime's own notices: lib/runtime/legal/.\n");
        return s.toString();
    }

    private static String unquote(String s) {
        return s.length() >= 2 && s.startsWith("\"") && s.endsWith("\"") ? s.substring(1, s.length() - 1) : s;
    }

    private static String sha256(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[1 << 16];
            for (int n; (n = in.read(buf)) > 0; ) md.update(buf, 0, n);
            return HexFormat.of().formatHex(md.digest());
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
