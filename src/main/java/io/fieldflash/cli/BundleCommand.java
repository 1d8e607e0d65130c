package io.fieldflash.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fieldflash.Printable;
import io.fieldflash.bundle.BundleException;
import io.fieldflash.bundle.BundleInspection;
import io.fieldflash.bundle.BundleWriter;
import io.fieldflash.bundle.ImageSpec;
import io.fieldflash.bundle.KeyException;
import io.fieldflash.bundle.Manifest;
import io.fieldflash.bundle.SignatureCheck;
import io.fieldflash.bundle.SigningKey;
import io.fieldflash.bundle.VerifiedBundle;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "bundle", mixinStandardHelpOptions = true,
        description = "Makes and inspects firmware bundles (vendor side).",
        subcommands = {BundleCommand.Create.class, BundleCommand.Inspect.class})
final class BundleCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "create", mixinStandardHelpOptions = true,
            description = {"Makes a signed bundle from a manifest template and image files.",
                "Fills in each image's file, size and sha256, signs manifest.json with every --key, writes the",
                "archive atomically and reads it back to check that it verifies."},
            footer = {"", "Example:", "  fieldflash bundle create --manifest manifest.json --image app=build/app.bin \\",
                "      --key acme-release.key --out crossing-controller-2.4.1.fwb"})
    static final class Create implements Callable<Integer> {
        @Option(names = "--manifest", required = true, paramLabel = "FILE", description = "Manifest template (JSON).")
        Path manifest;

        @Option(names = "--image", required = true, paramLabel = "NAME=PATH", description = "An image and its file; repeatable.")
        List<String> images = new ArrayList<>();

        @Option(names = "--key", required = true, paramLabel = "KEY.key", description = "Signing key (PKCS#8 PEM); repeatable for several signatures.")
        List<Path> keys = new ArrayList<>();

        @Option(names = "--out", required = true, paramLabel = "BUNDLE.fwb", description = "Where to write the bundle.")
        Path out;

        @Option(names = "--store", description = "Store images uncompressed (default: deflate).")
        boolean store;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws BundleException, KeyException {
            Map<String, Path> imageFiles = new LinkedHashMap<>();
            for (String s : images) {
                int eq = s.indexOf('=');
                if (eq <= 0 || eq == s.length() - 1) {
                    throw new CommandLine.ParameterException(spec.commandLine(), "--image takes NAME=PATH, got \"" + s + "\"");
                }
                Path p = Path.of(s.substring(eq + 1));
                if (!Files.isRegularFile(p)) {
                    throw new CommandLine.ParameterException(spec.commandLine(), "image file " + p + " does not exist");
                }
                if (imageFiles.put(s.substring(0, eq), p) != null) {
                    throw new CommandLine.ParameterException(spec.commandLine(), "image \"" + s.substring(0, eq) + "\" is given twice");
                }
            }
            List<SigningKey> signing = new ArrayList<>();
            for (Path k : keys) signing.add(SigningKey.read(k));
            byte[] template;
            try {
                template = Files.readAllBytes(manifest);
            } catch (NoSuchFileException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), "manifest template " + manifest + " does not exist");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            VerifiedBundle vb;
            try {
                vb = BundleWriter.create(template, imageFiles, signing, out, store ? BundleWriter.Compression.STORE : BundleWriter.Compression.DEFLATE);
            } catch (IOException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), "cannot write the bundle: " + e.getMessage());
            }
            PrintWriter o = spec.commandLine().getOut();
            Manifest m = vb.manifest();
            o.println("Wrote " + Printable.of(out.toString()) + " (" + sizeOf(out) + " bytes): " + Printable.of(m.vendor())
                    + " · " + Printable.of(m.product()) + " " + Printable.of(m.version()));
            for (ImageSpec i : m.images()) o.println("  image      " + Printable.of(i.name()) + "  " + i.size() + " bytes  sha256 " + i.sha256());
            for (SigningKey k : signing) o.println("  signed by  " + k.keyid() + "  [" + k.alg().id() + "]");
            o.flush();
            return 0;
        }

        private static long sizeOf(Path p) {
            try {
                return Files.size(p);
            } catch (IOException e) {
                return -1;
            }
        }
    }

    @Command(name = "inspect", mixinStandardHelpOptions = true,
            description = {"Shows what a bundle says about itself WITHOUT checking its signatures.",
                "Use 'fieldflash verify' to know whether it is genuine."})
    static final class Inspect implements Callable<Integer> {
        @Parameters(paramLabel = "BUNDLE")
        Path bundle;

        @Option(names = "--json", description = "Print one JSON object.")
        boolean json;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws BundleException {
            BundleInspection b = BundleInspection.read(bundle);
            Manifest m = b.manifest();
            PrintWriter o = spec.commandLine().getOut();
            if (json) {
                ObjectNode n = JsonOut.object().put("verified", false)
                        .put("vendor", m.vendor()).put("product", m.product()).put("version", m.version())
                        .put("securityCounter", m.securityCounter()).put("expires", m.expires().toString())
                        .put("releaseNotes", m.releaseNotes());
                m.hardware().forEach(n.putArray("hardware")::add);
                ArrayNode imgs = n.putArray("images");
                m.images().forEach(i -> imgs.addObject().put("name", i.name()).put("file", i.file()).put("size", i.size()).put("sha256", i.sha256()));
                ArrayNode sigs = n.putArray("signatures");
                b.signatures().forEach(s -> sigs.addObject().put("keyid", s.keyid()).put("alg", s.alg()));
                JsonOut.print(o, n);
                return 0;
            }
            // Nothing below is authenticated: every value is escaped, so none can move the cursor over the banner.
            o.println("UNVERIFIED: read from the bundle without checking signatures or image hashes.");
            o.println("            Run 'fieldflash verify " + Printable.of(bundle.toString()) + "' to know whether it is genuine.");
            o.println();
            o.println("  vendor         " + Printable.of(m.vendor()));
            o.println("  product        " + Printable.of(m.product()));
            o.println("  version        " + Printable.of(m.version()) + "  (security counter " + m.securityCounter() + ")");
            o.println("  hardware       " + String.join(", ", m.hardware().stream().map(Printable::of).toList()));
            o.println("  created        " + m.created());
            o.println("  expires        " + m.expires());
            for (ImageSpec i : m.images()) {
                o.println("  image          " + Printable.of(i.name()) + "  " + Printable.of(i.file()) + "  " + i.size() + " bytes  sha256 " + i.sha256()
                        + i.serialFlashOffset().stream().mapToObj(off -> String.format("  flash@0x%x", off)).findFirst().orElse(""));
            }
            for (SignatureCheck.Signature s : b.signatures()) {
                o.println("  signature      " + Printable.cut(s.alg(), 40) + " by " + Printable.cut(s.keyid(), 80));
            }
            if (!m.releaseNotes().isEmpty()) o.println("  release notes  " + Printable.lines(m.releaseNotes()).replace("\n", "\n                 "));
            o.println("  entries        " + String.join(", ", b.entries().stream().map(Printable::of).toList()));
            o.flush();
            return 0;
        }
    }
}
