package io.fieldflash.ui.bundle;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Where the bundle file chooser opens: on a removable drive (a USB stick) that holds a bundle, when one is mounted,
 * else in the folder the last bundle came from. Bundles reach air-gapped sites on USB sticks, so the stick comes
 * first.
 */
public final class BundleFolders {
    /** How deep below a drive's top folder bundles are looked for (0 = the top folder only). */
    static final int DEPTH = 2;
    /** At most this many entries are read per folder, so that a large drive does not stall the chooser. */
    static final int MAX_ENTRIES = 500;

    private BundleFolders() {}

    /**
     * The folder to open the chooser in: the first folder on {@code drives} (each a mounted drive's top folder, in
     * the order given) that holds a {@code .fwb} file, searched top folder first, then {@value #DEPTH} levels down;
     * else {@code lastUsed} when it is still a folder; else empty (the chooser's own default).
     */
    public static Optional<Path> initialFolder(List<Path> drives, Optional<Path> lastUsed) {
        for (Path drive : drives) {
            Optional<Path> found = folderWithBundle(drive, DEPTH);
            if (found.isPresent()) return found;
        }
        return lastUsed.filter(Files::isDirectory);
    }

    /** The removable drives mounted for {@code user} on this computer, in a stable order. */
    public static List<Path> removableDrives(String osName, String user) {
        String os = osName.toLowerCase(Locale.ROOT);
        List<Path> drives = new ArrayList<>();
        if (os.startsWith("windows")) {
            String system = System.getenv().getOrDefault("SystemDrive", "C:");
            for (Path root : java.nio.file.FileSystems.getDefault().getRootDirectories()) {
                if (!root.toString().toUpperCase(Locale.ROOT).startsWith(system.toUpperCase(Locale.ROOT))) drives.add(root);
            }
        } else if (os.contains("mac")) {
            drives.addAll(children(Path.of("/Volumes")).stream().filter(p -> !isSystemVolume(p)).toList());
        } else {
            drives.addAll(children(Path.of("/media", user)));
            drives.addAll(children(Path.of("/run/media", user)));
        }
        return drives;
    }

    /** macOS lists its own disk under /Volumes too, as a link to "/". */
    private static boolean isSystemVolume(Path p) {
        try {
            return p.toRealPath().equals(Path.of("/"));
        } catch (IOException e) {
            return true;
        }
    }

    private static Optional<Path> folderWithBundle(Path folder, int depth) {
        List<Path> entries = children(folder);
        if (entries.stream().anyMatch(BundleFolders::isBundle)) return Optional.of(folder);
        if (depth == 0) return Optional.empty();
        for (Path sub : entries) {
            if (!Files.isDirectory(sub) || Files.isSymbolicLink(sub) || sub.getFileName().toString().startsWith(".")) continue;
            Optional<Path> found = folderWithBundle(sub, depth - 1);
            if (found.isPresent()) return found;
        }
        return Optional.empty();
    }

    private static boolean isBundle(Path p) {
        return p.getFileName() != null && p.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".fwb")
                && Files.isRegularFile(p);
    }

    /** A folder's entries sorted by name; none when it cannot be read (a drive being removed, no permission). */
    private static List<Path> children(Path folder) {
        List<Path> out = new ArrayList<>();
        if (!Files.isDirectory(folder)) return out;
        try (DirectoryStream<Path> s = Files.newDirectoryStream(folder)) {
            for (Path p : s) {
                out.add(p);
                if (out.size() >= MAX_ENTRIES) break;
            }
        } catch (IOException | RuntimeException e) {
            return List.of();
        }
        out.sort(Comparator.comparing(p -> p.getFileName().toString()));
        return out;
    }
}
