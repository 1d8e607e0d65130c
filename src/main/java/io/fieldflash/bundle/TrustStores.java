package io.fieldflash.bundle;

import io.fieldflash.AppDirs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Finds the trust store a laptop uses when none is named: the user's {@code trust.json}, the machine-wide
 * {@code trust.json}, and any {@code *.pem} or {@code *.json} in the machine-wide {@code trust.d/} folder
 * (where an installer drops vendor keys), merged by {@link TrustStore#merge}.
 */
public final class TrustStores {
    private TrustStores() {}

    /** The files that make up the default trust store, in merge order (user's first); only those that exist. */
    public static List<Path> defaultFiles(AppDirs dirs) {
        List<Path> files = new ArrayList<>();
        if (Files.isRegularFile(dirs.userTrustStore())) files.add(dirs.userTrustStore());
        if (Files.isRegularFile(dirs.machineTrustStore())) files.add(dirs.machineTrustStore());
        Path dropIn = dirs.machine().resolve("trust.d");
        if (Files.isDirectory(dropIn)) {
            try (Stream<Path> s = Files.list(dropIn)) {
                s.filter(p -> p.toString().endsWith(".pem") || p.toString().endsWith(".json"))
                        .filter(Files::isRegularFile).sorted().forEach(files::add);
            } catch (IOException e) {
                // an unreadable drop-in folder contributes no keys; trusting fewer keys is the safe side
            }
        }
        return files;
    }

    /** Loads and merges {@code files}; an empty list gives an empty store (which trusts nothing). */
    public static TrustStore load(List<Path> files) throws TrustStoreException {
        List<TrustStore> stores = new ArrayList<>();
        for (Path f : files) stores.add(TrustStore.read(f));
        return TrustStore.merge(stores);
    }

    public static TrustStore loadDefault(AppDirs dirs) throws TrustStoreException {
        return load(defaultFiles(dirs));
    }
}
