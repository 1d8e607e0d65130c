package io.fieldflash.cli;

import io.fieldflash.Printable;
import io.fieldflash.bundle.SignatureAlgorithm;
import io.fieldflash.bundle.SigningKey;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "keys", mixinStandardHelpOptions = true,
        description = "Makes signing keys (vendor side).",
        subcommands = {KeysCommand.Generate.class})
final class KeysCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "generate", mixinStandardHelpOptions = true,
            description = {"Makes a new key pair: PREFIX.key (PKCS#8 PEM, private, mode 600) and PREFIX.pub (public, SubjectPublicKeyInfo PEM).",
                "Give PREFIX.pub to the sites that must trust your bundles; keep PREFIX.key offline."},
            footer = {"", "Example:  fieldflash keys generate --alg ed25519 --out acme-release"})
    static final class Generate implements Callable<Integer> {
        @Option(names = "--alg", defaultValue = "ed25519", paramLabel = "ALG",
                description = "ed25519 (default), ecdsa-p256-sha256 or rsa-pss-sha256 (3072-bit).")
        String alg;

        @Option(names = "--out", required = true, paramLabel = "PREFIX", description = "Writes PREFIX.key and PREFIX.pub.")
        String prefix;

        @Option(names = "--force", description = "Overwrite existing key files.")
        boolean force;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws IOException {
            SignatureAlgorithm a = SignatureAlgorithm.byId(aliased(alg)).orElseThrow(() -> new CommandLine.ParameterException(
                    spec.commandLine(), "--alg must be one of " + Arrays.stream(SignatureAlgorithm.values()).map(SignatureAlgorithm::id).toList()
                            + ", got \"" + Printable.cut(alg, 40) + "\""));
            Path priv = Path.of(prefix + ".key");
            Path pub = Path.of(prefix + ".pub");
            if (!force) {
                for (Path p : new Path[] {priv, pub}) {
                    if (Files.exists(p)) {
                        throw new CommandLine.ParameterException(spec.commandLine(), Printable.of(p.toString()) + " already exists; use --force to overwrite it");
                    }
                }
            }
            SigningKey key = SigningKey.generate(a);
            writePrivate(priv, key.toPem());
            Files.writeString(pub, key.publicKey().toPem(), StandardCharsets.US_ASCII);
            PrintWriter o = spec.commandLine().getOut();
            o.println("Wrote " + Printable.of(priv.toString()) + " (private: keep it offline) and " + Printable.of(pub.toString()) + " (public)");
            o.println("  alg    " + a.id());
            o.println("  keyid  " + key.keyid());
            o.flush();
            return 0;
        }

        private static String aliased(String alg) {
            return switch (alg) {
                case "ecdsa-p256", "p256" -> "ecdsa-p256-sha256";
                case "rsa-pss", "rsa" -> "rsa-pss-sha256";
                default -> alg;
            };
        }

        private void writePrivate(Path file, String pem) throws IOException {
            if (force) Files.deleteIfExists(file);
            try {
                if (file.getFileSystem().supportedFileAttributeViews().contains("posix")) {
                    Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
                } else {
                    Files.createFile(file);
                }
            } catch (FileAlreadyExistsException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), Printable.of(file.toString()) + " already exists; use --force to overwrite it");
            }
            Files.writeString(file, pem, StandardCharsets.US_ASCII, StandardOpenOption.TRUNCATE_EXISTING);
        }
    }
}
