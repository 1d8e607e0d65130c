package io.fieldflash.cli;

import io.fieldflash.AppDirs;
import io.fieldflash.bundle.LaptopTrust;
import io.fieldflash.bundle.TrustStore;
import io.fieldflash.bundle.TrustStoreException;
import io.fieldflash.bundle.TrustStores;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** The {@code --trust FILE} option shared by commands that verify bundles. */
final class TrustOptions {
    @Option(names = "--trust", paramLabel = "FILE",
            description = "Trust store file (PEM public keys or fieldflash-trust/1 JSON); repeatable. "
                    + "Default: this laptop's trust store (see 'fieldflash trust list').")
    List<Path> files = new ArrayList<>();

    /** The named files merged, or the laptop's default trust store when none is named. */
    TrustStore load() throws TrustStoreException {
        return files.isEmpty() ? TrustStores.loadDefault(AppDirs.detect()) : TrustStores.load(files);
    }

    /** Where the keys come from, for messages (file names escaped). */
    String describe() {
        if (!files.isEmpty()) return LaptopTrust.printable(files);
        List<Path> defaults;
        try {
            defaults = TrustStores.defaultFiles(AppDirs.detect());
        } catch (TrustStoreException e) {
            return "this laptop's trust store (" + e.getMessage() + ")";
        }
        return defaults.isEmpty() ? "no trust store (none installed on this laptop)" : LaptopTrust.printable(defaults);
    }
}
