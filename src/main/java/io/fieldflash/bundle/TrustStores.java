package io.fieldflash.bundle;

import io.fieldflash.AppDirs;
import io.fieldflash.Printable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Finds the trust store a laptop uses when none is named: the user's {@code trust.json}, the machine-wide
 * {@code trust.json}, and any {@code *.pem} or {@code *.json} in the machine-wide {@code trust.d/} folder
 * (where an installer drops vendor keys), merged by {@link TrustStore#merge}. Whatever of those exists must be
 * readable: an unreadable part is an error, never "fewer keys, fewer revocations".
 */
public final class TrustStores {
    private TrustStores() {}

    /**
     * The files that make up the default trust store, in merge order (user's first); only those that exist.
     *
     * <p>A file or the {@code trust.d} folder that exists but cannot be read, is not a plain file (folder), or whose
     * existence cannot be told (a folder on its path may not be searched) is an error, TRUST_STORE_UNREADABLE:
     * skipping it would silently drop its revocations. An entry of {@code trust.d} that is not named {@code *.pem}
     * or {@code *.json} is ignored (e.g. an editor's backup file).
     */
    public static List<Path> defaultFiles(AppDirs dirs) throws TrustStoreException {
        List<Path> files = new ArrayList<>();
        if (present(dirs.userTrustStore(), false)) files.add(dirs.userTrustStore());
        if (present(dirs.machineTrustStore(), false)) files.add(dirs.machineTrustStore());
        Path dropIn = dirs.machine().resolve("trust.d");
        if (present(dropIn, true)) {
            List<Path> found = new ArrayList<>();
            try (Stream<Path> s = Files.list(dropIn)) {
                s.filter(p -> p.getFileName().toString().endsWith(".pem") || p.getFileName().toString().endsWith(".json"))
                        .forEach(found::add);
            } catch (IOException | java.io.UncheckedIOException e) {
                throw unreadable(dropIn, "its list of files cannot be read (" + why(e) + ")", e);
            }
            found.sort(null);
            for (Path p : found) {
                if (present(p, false)) files.add(p);
            }
        }
        return files;
    }

    /**
     * Whether {@code path} is there as a plain file (or folder when {@code folder}); false only when it surely does
     * not exist. A dangling symbolic link counts as there but unreadable.
     */
    private static boolean present(Path path, boolean folder) throws TrustStoreException {
        if (Files.notExists(path, LinkOption.NOFOLLOW_LINKS)) return false;
        if (!Files.exists(path)) {
            throw unreadable(path, Files.isSymbolicLink(path) ? "it is a symbolic link to something that cannot be reached"
                    : "it cannot be told whether it exists (a folder on its path may not be searched)", null);
        }
        if (folder ? !Files.isDirectory(path) : !Files.isRegularFile(path)) {
            throw unreadable(path, folder ? "it is not a folder" : "it is not a plain file", null);
        }
        return true;   // whether this user may read it shows when it is read (listed): the same error, on every platform
    }

    private static TrustStoreException unreadable(Path path, String why, Throwable cause) {
        return new TrustStoreException(TrustStoreException.Reason.TRUST_STORE_UNREADABLE, "The trust store "
                + (path.getFileName() != null && path.getFileName().toString().equals("trust.d") ? "folder " : "file ")
                + TrustStore.printable(path) + " cannot be used: " + why + ". Its keys and revocations would be missing,"
                + " so FieldFlash does not verify with the rest alone.", cause);
    }

    private static String why(Exception e) {
        Throwable t = e instanceof java.io.UncheckedIOException u ? u.getCause() : e;
        if (t instanceof java.nio.file.AccessDeniedException) return "permission denied";
        if (t instanceof java.nio.file.FileSystemException f && f.getReason() != null) return Printable.cut(f.getReason(), 200);
        return Printable.cut(String.valueOf(t.getMessage()), 200);
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
