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
import io.fieldflash.bundle.inner.InnerFormat;
import io.fieldflash.bundle.inner.InnerReason;
import io.fieldflash.bundle.inner.InnerSummary;
import io.fieldflash.bundle.inner.InnerVerdict;
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
            PrintWriter err = spec.commandLine().getErr();
            for (ImageSpec i : m.images()) {
                o.println("  image      " + Printable.of(i.name()) + "  " + i.size() + " bytes  sha256 " + i.sha256());
                o.println("    inside   " + vb.innerVerdict(i).map(InnerSummary::line).orElse(ImageSpec.RAW + " (not looked inside)"));
                for (String w : formatWarnings(i, imageFiles.get(i.name()), vb.innerVerdict(i))) err.println("warning: " + w);
            }
            err.flush();
            for (SigningKey k : signing) o.println("  signed by  " + k.keyid() + "  [" + k.alg().id() + "]");
            o.flush();
            return 0;
        }

        /**
         * What the vendor should look at: a declared format the image does not start like, an image that looks like
         * a known format but is declared {@code raw}, and a signature no boot key was given to check.
         */
        static List<String> formatWarnings(ImageSpec i, Path file, java.util.Optional<InnerVerdict> verdict) {
            List<String> out = new ArrayList<>();
            java.util.Optional<InnerFormat> seen;
            try {
                seen = BundleWriter.recognise(file);
            } catch (IOException e) {
                seen = java.util.Optional.empty();
            }
            String name = "image \"" + Printable.of(i.name()) + "\"";
            if (i.format().isPresent() && seen.isPresent() && !i.format().get().startsLike(seen.get())) {
                out.add(name + " is declared " + i.formatId() + " but starts like an " + seen.get().id() + " image.");
            } else if (i.format().isPresent() && seen.isEmpty()) {
                out.add(name + " is declared " + i.formatId() + " but does not start with that format's magic number.");
            } else if (i.format().isEmpty() && seen.isPresent()) {
                out.add(name + " starts like an " + seen.get().id() + " image but is left as format raw (the template"
                        + " says raw, or it is not a well-formed " + seen.get().id() + " image), so nothing inside it will be checked.");
            }
            verdict.filter(v -> v.reason() == InnerReason.NO_BOOT_KEYS).ifPresent(v -> out.add(name + ": " + v.detail()
                    + " Its signature was not checked here; 'fieldflash verify' checks it against the trust store's boot keys"
                    + (i.bootKeys().isEmpty() ? ", and the template lists none in bootKeys." : ".")));
            return out;
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
                List<BundleInspection.Inside> inside = BundleInspection.inside(bundle);
                for (ImageSpec i : m.images()) {
                    ObjectNode in = imgs.addObject().put("name", i.name()).put("file", i.file()).put("size", i.size())
                            .put("sha256", i.sha256()).put("format", i.formatId());
                    if (!i.bootKeys().isEmpty()) i.bootKeys().forEach(in.putArray("bootKeys")::add);
                    i.chip().ifPresent(c -> in.put("chip", c.id()));
                    inside.stream().filter(x -> x.image().equals(i.name())).findFirst().ifPresent(x -> {
                        x.verdict().ifPresent(v -> in.set("inner", InnerJson.of(v)));
                        if (!x.problem().isEmpty()) in.put("innerProblem", x.problem());
                    });
                }
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
                        + "  format " + i.formatId() + i.chip().map(c -> "  chip " + c.id()).orElse("")
                        + i.serialFlashOffset().stream().mapToObj(off -> String.format("  flash@0x%x", off)).findFirst().orElse(""));
            }
            for (SignatureCheck.Signature s : b.signatures()) {
                o.println("  signature      " + Printable.cut(s.alg(), 40) + " by " + Printable.cut(s.keyid(), 80));
            }
            if (!m.releaseNotes().isEmpty()) o.println("  release notes  " + Printable.lines(m.releaseNotes()).replace("\n", "\n                 "));
            o.println("  entries        " + String.join(", ", b.entries().stream().map(Printable::of).toList()));
            for (BundleInspection.Inside in : BundleInspection.inside(bundle)) {
                o.println("  inside " + Printable.of(in.image()) + "  " + in.verdict().map(v -> InnerSummary.line(v)
                        + "  [" + v.reason().code() + "; no keys used]").orElse("could not be read: " + in.problem()));
            }
            o.flush();
            return 0;
        }
    }
}
