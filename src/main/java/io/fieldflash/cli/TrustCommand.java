package io.fieldflash.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fieldflash.AppDirs;
import io.fieldflash.FieldFlashException;
import io.fieldflash.Printable;
import io.fieldflash.bundle.LaptopTrust;
import io.fieldflash.bundle.SigningKey;
import io.fieldflash.bundle.TrustStore;
import io.fieldflash.bundle.TrustStoreException;
import io.fieldflash.bundle.TrustStores;
import io.fieldflash.bundle.TrustUpdate;
import io.fieldflash.bundle.TrustedKey;
import io.fieldflash.bundle.VerificationKey;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "trust", mixinStandardHelpOptions = true,
        description = {"Shows and changes the keys this laptop trusts to sign firmware bundles (see docs/trust.md).",
            "Your own trust store is trust.json in your FieldFlash folder; an administrator may add a machine-wide one."},
        subcommands = {TrustCommand.ListKeys.class, TrustCommand.Add.class, TrustCommand.Remove.class,
            TrustCommand.Update.class, TrustCommand.SignUpdate.class})
final class TrustCommand implements Runnable {
    private static String displayName(TrustedKey k) {
        return LaptopTrust.displayName(k);
    }

    private static String shortId(String keyid) {
        return LaptopTrust.shortId(keyid);
    }

    /** File names (which come from outside FieldFlash), escaped for the terminal. */
    private static String files(List<Path> files) {
        return LaptopTrust.printable(files);
    }

    /** Products named in a trust file, escaped for the terminal. */
    private static String products(List<String> products) {
        return String.join(", ", products.stream().map(Printable::of).toList());
    }

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    // ---- list ----

    @Command(name = "list", mixinStandardHelpOptions = true,
            description = {"Lists the trusted keys with their policy and the file each comes from,",
                "the effective thresholds and version, and the trust store's fingerprint (SHA-256)."})
    static final class ListKeys implements Callable<Integer> {
        @Mixin
        TrustOptions trust;

        @Option(names = "--json", description = "Print one JSON object.")
        boolean json;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws TrustStoreException {
            List<Path> files = trust.files.isEmpty() ? TrustStores.defaultFiles(AppDirs.detect()) : trust.files;
            TrustStore store = TrustStores.load(files);
            Map<String, List<Path>> sources = LaptopTrust.sources(files);
            String fingerprint = LaptopTrust.fingerprint(files, store).orElse("");
            PrintWriter out = spec.commandLine().getOut();
            if (json) JsonOut.print(out, describe(store, files, sources, fingerprint));
            else print(out, store, files, sources, fingerprint);
            return 0;
        }

        /** {@code fingerprint} is empty when there is no trust store file. */
        private static void print(PrintWriter out, TrustStore store, List<Path> files, Map<String, List<Path>> sources,
                                  String fingerprint) {
            if (store.keys().isEmpty()) {
                out.println("No keys are trusted: FieldFlash will refuse every bundle.");
                out.println("Add a vendor's public key with 'fieldflash trust add VENDOR.pub --product PRODUCT'.");
                out.flush();
                return;
            }
            out.println("Trust store version " + store.version() + ": " + store.keys().size() + " key(s); bundles need "
                    + store.threshold() + " signature(s), trust updates " + store.rootThreshold() + " root signature(s).");
            out.println("  fingerprint  sha256 " + fingerprint);
            out.println("  files        " + files(files));
            Instant now = Instant.now();
            for (TrustedKey k : store.keys()) {
                out.println();
                out.println(displayName(k) + "  [" + k.key().alg().id() + "]" + (k.root() ? "  ROOT" : ""));
                out.println("  keyid      " + k.keyid());
                out.println("  products   " + (k.products().isEmpty() ? "any product" : products(k.products())));
                out.println("  not after  " + k.expiry().map(Instant::toString).orElse("no end date"));
                out.println("  status     " + status(k, now));
                out.println("  from       " + files(sources.getOrDefault(k.keyid(), List.of())));
            }
            out.flush();
        }

        private static ObjectNode describe(TrustStore store, List<Path> files, Map<String, List<Path>> sources,
                                           String fingerprint) {
            ObjectNode o = JsonOut.object().put("version", store.version()).put("threshold", store.threshold())
                    .put("rootThreshold", store.rootThreshold());
            if (fingerprint.isEmpty()) o.putNull("fingerprint");
            else o.put("fingerprint", fingerprint);
            ArrayNode fileList = o.putArray("files");
            files.forEach(f -> fileList.add(f.toString()));
            ArrayNode keys = o.putArray("keys");
            Instant now = Instant.now();
            for (TrustedKey k : store.keys()) {
                ObjectNode n = keys.addObject().put("name", k.name()).put("keyid", k.keyid()).put("alg", k.key().alg().id());
                k.products().forEach(n.putArray("products")::add);
                k.expiry().ifPresentOrElse(t -> n.put("notAfter", t.toString()), () -> n.putNull("notAfter"));
                n.put("revoked", k.revoked()).put("expired", k.expiredAt(now)).put("root", k.root());
                ArrayNode from = n.putArray("sources");
                sources.getOrDefault(k.keyid(), List.of()).forEach(p -> from.add(p.toString()));
            }
            return o;
        }

        private static String status(TrustedKey k, Instant now) {
            if (k.revoked()) return "REVOKED: bundles signed by it are refused";
            if (k.expiredAt(now)) return "EXPIRED: bundles signed by it are refused";
            return "trusted";
        }
    }

    // ---- add ----

    @Command(name = "add", mixinStandardHelpOptions = true,
            description = {"Trusts a vendor's public key: adds it to your trust store (created if absent).",
                "Does not change the trust store's version; a later trust update replaces your trust store."},
            footer = {"", "Example:", "  fieldflash trust add acme-release.pub --name \"Acme release\" \\",
                "      --product crossing-controller --not-after 2028-01-01T00:00:00Z"})
    static final class Add implements Callable<Integer> {
        @Parameters(paramLabel = "FILE.pub", description = "The vendor's public key (PEM, PUBLIC KEY block).")
        Path file;

        @Option(names = "--name", paramLabel = "NAME", description = "A name for people (default: the file name without .pub).")
        String name = "";

        @Option(names = "--product", paramLabel = "PRODUCT", description = "A product the key may sign for; repeatable. Default: any product.")
        List<String> products = new ArrayList<>();

        @Option(names = "--not-after", paramLabel = "TIME", description = "End of the key's validity, ISO-8601 UTC, e.g. 2028-01-01T00:00:00Z.")
        String notAfter = "";

        @Option(names = "--root", description = "The key may also sign trust updates (key rotation).")
        boolean root;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws FieldFlashException {
            VerificationKey key = LaptopTrust.readPublicKey(file);
            Instant end = notAfter.isEmpty() ? Instant.MAX : parseInstant(notAfter);
            AppDirs dirs = AppDirs.detect();
            TrustedKey added = new LaptopTrust(dirs).add(key, name.isBlank() ? LaptopTrust.defaultName(file) : name, products, end, root);
            PrintWriter out = spec.commandLine().getOut();
            out.println("Added key '" + displayName(added) + "' (" + shortId(key.keyid()) + ") for "
                    + (products.isEmpty() ? "any product" : "products: " + products(products))
                    + added.expiry().map(t -> ", until " + t).orElse("") + (root ? ", as a root key" : "") + ".");
            out.println("  keyid  " + key.keyid() + "  [" + key.alg().id() + "]");
            out.println("  file   " + Printable.of(dirs.userTrustStore().toString()));
            out.flush();
            return 0;
        }

        private Instant parseInstant(String text) {
            try {
                return Instant.parse(text);
            } catch (DateTimeParseException e) {
                throw new CommandLine.ParameterException(spec.commandLine(),
                        "--not-after takes an ISO-8601 UTC time like 2028-01-01T00:00:00Z, got \"" + Printable.cut(text, 80) + "\"");
            }
        }
    }

    // ---- remove ----

    @Command(name = "remove", mixinStandardHelpOptions = true,
            description = {"Stops trusting a key in your trust store, named by its keyid or a unique start of it (at least 4 hex digits).",
                "Keys from the machine-wide trust store are managed by an administrator."},
            footer = {"", "Example:  fieldflash trust remove b4178c0e"})
    static final class Remove implements Callable<Integer> {
        static final int MIN_PREFIX = LaptopTrust.MIN_PREFIX;

        @Parameters(paramLabel = "KEYID", description = "The keyid, or a unique start of it.")
        String keyid;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws FieldFlashException {
            String prefix = keyid.toLowerCase(Locale.ROOT);
            if (prefix.length() < MIN_PREFIX || !prefix.matches("[0-9a-f]+")) {
                throw new CommandLine.ParameterException(spec.commandLine(), "KEYID must be at least " + MIN_PREFIX
                        + " hex digits (see 'fieldflash trust list'), got \"" + Printable.cut(keyid, 80) + "\"");
            }
            AppDirs dirs = AppDirs.detect();
            LaptopTrust.Removal r = new LaptopTrust(dirs).remove(prefix);
            TrustedKey k = r.removed();
            PrintWriter out = spec.commandLine().getOut();
            out.println("Removed key '" + displayName(k) + "' (" + shortId(k.keyid()) + ") from " + Printable.of(dirs.userTrustStore().toString()) + ".");
            if (!r.stillTrustedThrough().isEmpty()) {
                out.println("Note: it is still trusted through " + files(r.stillTrustedThrough())
                        + ", which your administrator manages.");
            }
            if (r.noRootLeft()) {
                out.println("Note: no root key is left, so this laptop can no longer accept trust updates.");
            }
            out.flush();
            return 0;
        }
    }

    // ---- update ----

    @Command(name = "update", mixinStandardHelpOptions = true,
            description = {"Applies a trust update file from the vendor or your administrator: the next version of the trust store,",
                "signed by the current root keys. It replaces your trust store (trust.json) as a whole."},
            footer = {"", "Example:  fieldflash trust update acme-trust-v5.json"})
    static final class Update implements Callable<Integer> {
        @Parameters(paramLabel = "FILE", description = "The trust update (fieldflash-trust-update/1).")
        Path file;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws TrustStoreException {
            AppDirs dirs = AppDirs.detect();
            LaptopTrust.Applied applied = new LaptopTrust(dirs).applyUpdate(file, Instant.now());
            TrustUpdate update = applied.update();
            TrustUpdate.Approval approval = applied.approval();
            TrustStore mineBefore = applied.userBefore();
            TrustStore after = applied.effectiveAfter();
            PrintWriter out = spec.commandLine().getOut();
            out.println("Trust store updated from version " + approval.previous().version() + " to version "
                    + approval.next().version() + ".");
            for (TrustedKey k : approval.signers()) out.println("  signed by    " + k.label() + "  [root]");
            out.println("  written to   " + Printable.of(dirs.userTrustStore().toString()));
            out.println("  fingerprint  sha256 " + update.fingerprint());
            printChanges(out, approval.previous(), after);
            printDropped(out, mineBefore, approval.next(), after);
            out.flush();
            return 0;
        }

        /** What changed in the laptop's effective (merged) trust store. */
        private static void printChanges(PrintWriter out, TrustStore before, TrustStore after) {
            for (TrustedKey k : after.keys()) {
                Optional<TrustedKey> was = before.find(k.keyid());
                if (was.isEmpty()) out.println("  added        " + k.label() + (k.root() ? "  [root]" : ""));
                else if (k.revoked() && !was.get().revoked()) out.println("  revoked      " + k.label());
            }
            for (TrustedKey k : before.keys()) {
                if (after.find(k.keyid()).isEmpty()) out.println("  removed      " + k.label());
            }
        }

        /** Keys the update left out of your trust.json that another file still trusts: left out is not withdrawn. */
        private static void printDropped(PrintWriter out, TrustStore mineBefore, TrustStore installed, TrustStore after) {
            for (TrustedKey k : mineBefore.keys()) {
                Optional<TrustedKey> still = after.find(k.keyid());
                if (installed.find(k.keyid()).isEmpty() && still.isPresent() && !still.get().revoked()) {
                    out.println("  note         " + k.label() + " is no longer in your trust store but is still trusted"
                            + " through another trust store file; only a revocation withdraws a key everywhere.");
                }
            }
        }
    }

    // ---- sign-update ----

    @Command(name = "sign-update", mixinStandardHelpOptions = true,
            description = {"Makes a trust update file (vendor or administrator side): the new trust.json, unchanged, signed",
                "by root keys. Laptops accept it only if its version is theirs + 1 and it is signed by enough root keys",
                "of their current store AND of the new store. Refuses to make one the new store's roots did not sign."},
            footer = {"", "Example:", "  fieldflash trust sign-update --store trust-v5.json \\",
                "      --key root-2026.key --key root-2027.key \\",
                "      --current trust-v4.json --out acme-trust-v5.json"})
    static final class SignUpdate implements Callable<Integer> {
        @Option(names = "--store", required = true, paramLabel = "NEW.json", description = "The next trust store (fieldflash-trust/1 JSON, version = current + 1).")
        Path store;

        @Option(names = "--key", required = true, paramLabel = "ROOT.key", description = "A root private key (PKCS#8 PEM); repeatable.")
        List<Path> keys = new ArrayList<>();

        @Option(names = "--current", paramLabel = "CURRENT.json", description = "The trust store laptops have now: checks the update against it as they will.")
        List<Path> current = new ArrayList<>();

        @Option(names = "--out", required = true, paramLabel = "UPDATE.json", description = "Where to write the update.")
        Path out;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws FieldFlashException {
            byte[] next = readStore();
            List<SigningKey> signing = new ArrayList<>();
            for (Path k : keys) signing.add(SigningKey.read(k));
            Instant now = Instant.now();
            byte[] file = TrustUpdate.sign(next, signing, now);
            TrustUpdate made = TrustUpdate.parse(file);
            if (current.size() > 1) throw new CommandLine.ParameterException(spec.commandLine(), "give --current once");
            for (Path c : current) made.check(TrustStore.read(c), now);
            TrustUpdate.writeAtomically(out, file);
            PrintWriter o = spec.commandLine().getOut();
            TrustStore s = made.store();
            o.println("Wrote " + Printable.of(out.toString()) + ": trust store version " + s.version() + " with " + s.keys().size() + " key(s).");
            for (SigningKey k : signing) o.println("  signed by    " + k.keyid() + "  [" + k.alg().id() + "]");
            o.println("  fingerprint  sha256 " + made.fingerprint() + "  (of the trust.json laptops will have)");
            o.println(current.isEmpty()
                    ? "  not checked  against a current trust store; use --current to check the current root keys signed enough"
                    : "  checked      accepted by " + Printable.of(current.getFirst().toString()) + " (version " + (s.version() - 1) + ")");
            o.flush();
            return 0;
        }

        private byte[] readStore() {
            try {
                return Files.readAllBytes(store);
            } catch (NoSuchFileException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), "trust store " + Printable.of(store.toString()) + " does not exist");
            } catch (IOException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), "cannot read " + Printable.of(store.toString()) + ": " + Printable.cut(e.getMessage(), 200));
            }
        }
    }
}
