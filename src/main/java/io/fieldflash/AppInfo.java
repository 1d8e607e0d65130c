package io.fieldflash;

/** Facts about this build of FieldFlash. */
public final class AppInfo {
    private AppInfo() {}

    public static final String NAME = "FieldFlash";

    private static final String VERSION = loadVersion();

    /** The version of this build (from the Maven project), or {@code dev} when unknown. */
    public static String version() {
        return VERSION;
    }

    private static String loadVersion() {
        try (java.io.InputStream in = AppInfo.class.getResourceAsStream("version.properties")) {
            if (in == null) return "dev";
            java.util.Properties p = new java.util.Properties();
            p.load(in);
            String v = p.getProperty("version", "dev");
            return v.startsWith("${") ? "dev" : v;
        } catch (java.io.IOException e) {
            return "dev";
        }
    }
}
