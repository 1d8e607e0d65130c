package io.fieldflash.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fieldflash.Printable;
import io.fieldflash.bundle.BundleException;
import io.fieldflash.bundle.BundleReader;
import io.fieldflash.bundle.ImageSpec;
import io.fieldflash.bundle.Manifest;
import io.fieldflash.bundle.TrustStore;
import io.fieldflash.bundle.TrustStoreException;
import io.fieldflash.bundle.TrustedKey;
import io.fieldflash.bundle.VerifiedBundle;
import io.fieldflash.bundle.inner.InnerSummary;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "verify", mixinStandardHelpOptions = true,
        description = {"Checks that a firmware bundle is genuine, complete, intact and current, against the trust store.",
            "Nothing is sent anywhere. Exit 0 when valid, 1 when refused (the reason code says at which check), 2 on a usage error."},
        footer = {"", "Reason codes, in checking order:",
            "  BAD_ARCHIVE, UNSAFE_PATH, MISSING_ENTRY, BAD_MANIFEST,",
            "  UNTRUSTED_KEY, KEY_REVOKED, KEY_EXPIRED, SIGNATURE_INVALID,",
            "  UNLISTED_ENTRY, EXPIRED, IMAGE_SIZE_MISMATCH, IMAGE_HASH_MISMATCH,",
            "  INNER_IMAGE (an image is not a valid image of its format: the inner reason says why,",
            "  e.g. bad-checksum, bad-signature, version-mismatch; see docs/inner-formats.md).",
            "", "Example:  fieldflash verify --trust acme.pub firmware-2.4.1.fwb"})
final class VerifyCommand implements Callable<Integer> {
    @Mixin
    TrustOptions trust;

    @Option(names = "--json", description = "Print one JSON object {valid, reason, message, ...} instead of text.")
    boolean json;

    @Option(names = "--allow-expired", description = "Accept a bundle past its expiry date (reported as a warning).")
    boolean allowExpired;

    @Parameters(paramLabel = "BUNDLE", description = "The bundle file (.fwb).")
    Path bundle;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        TrustStore store;
        try {
            store = trust.load();
        } catch (TrustStoreException e) {
            if (json) JsonOut.print(out, JsonOut.object().put("valid", false).putNull("reason").put("message", e.getMessage()));
            else Main.printError(err, e);
            return Main.EXIT_USAGE;
        }
        try {
            VerifiedBundle vb = new BundleReader(store).allowingExpired(allowExpired).read(bundle);
            if (json) JsonOut.print(out, describe(vb));
            else printValid(out, vb);
            return 0;
        } catch (BundleException e) {
            if (json) {
                ObjectNode o = JsonOut.object().put("valid", false).put("reason", e.code())
                        .put("message", e.getMessage()).put("hint", e.hint());
                e.innerVerdict().ifPresent(v -> o.put("innerReason", v.reason().code()).set("inner", InnerJson.of(v)));
                JsonOut.print(out, o);
            } else {
                // A BundleException's message is already safe to print (values in it are escaped).
                out.println("INVALID  " + Printable.of(bundle.toString()));
                out.println("Reason [" + e.code() + e.innerVerdict().map(v -> " " + v.reason().code()).orElse("") + "]: " + e.getMessage());
                e.innerVerdict().filter(v -> !InnerSummary.facts(v.facts()).isEmpty())
                        .ifPresent(v -> out.println("Found inside: " + InnerSummary.line(v)));
                out.println("What to do: " + e.hint());
                if (store.keys().isEmpty()) out.println("Trust store: " + Printable.of(trust.describe()));
                out.flush();
            }
            return Main.EXIT_FAILED;
        }
    }

    /** Every value is escaped: signed text is still text from outside FieldFlash. */
    private static void printValid(PrintWriter out, VerifiedBundle vb) {
        Manifest m = vb.manifest();
        out.println("VALID  " + Printable.of(m.vendor()) + " · " + Printable.of(m.product()) + " " + Printable.of(m.version()));
        for (TrustedKey k : vb.signers()) out.println("  signed by      " + Printable.of(k.label()) + "  [" + k.key().alg().id() + "]");
        out.println("  hardware       " + String.join(", ", m.hardware().stream().map(Printable::of).toList()));
        out.println("  security ctr   " + m.securityCounter());
        out.println("  expires        " + m.expires() + (vb.expiryOverridden() ? "  (EXPIRED: accepted because of --allow-expired)" : ""));
        for (ImageSpec i : m.images()) {
            out.println("  image          " + Printable.of(i.name()) + "  " + i.size() + " bytes  sha256 " + i.sha256());
            out.println("    inside       " + vb.innerVerdict(i).map(InnerSummary::line).orElse(ImageSpec.RAW + " (not looked inside)"));
        }
        if (!m.releaseNotes().isEmpty()) out.println("  release notes  " + Printable.lines(m.releaseNotes()).replace("\n", "\n                 "));
        out.flush();
    }

    static ObjectNode describe(VerifiedBundle vb) {
        Manifest m = vb.manifest();
        ObjectNode o = JsonOut.object().put("valid", true).putNull("reason")
                .put("message", "The bundle is genuine and intact.")
                .put("vendor", m.vendor()).put("product", m.product()).put("version", m.version())
                .put("securityCounter", m.securityCounter()).put("expires", m.expires().toString())
                .put("expiryOverridden", vb.expiryOverridden()).put("manifestSha256", vb.manifestSha256());
        m.hardware().forEach(o.putArray("hardware")::add);
        ArrayNode signers = o.putArray("signers");
        vb.signers().forEach(k -> signers.addObject().put("keyid", k.keyid()).put("name", k.name()).put("alg", k.key().alg().id()));
        ArrayNode images = o.putArray("images");
        for (ImageSpec i : m.images()) {
            ObjectNode n = images.addObject().put("name", i.name()).put("size", i.size()).put("sha256", i.sha256())
                    .put("format", i.formatId());
            vb.innerVerdict(i).ifPresent(v -> n.set("inner", InnerJson.of(v)));
        }
        return o;
    }
}
