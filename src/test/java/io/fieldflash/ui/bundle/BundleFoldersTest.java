package io.fieldflash.ui.bundle;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Where the bundle chooser opens, over a folder tree laid out like mounted drives. */
class BundleFoldersTest {
    @TempDir
    Path tmp;

    private Path dir(String path) throws Exception {
        return Files.createDirectories(tmp.resolve(path));
    }

    private Path file(String path) throws Exception {
        Files.createDirectories(tmp.resolve(path).getParent());
        return Files.write(tmp.resolve(path), new byte[] {1});
    }

    @Test
    void theFirstDriveHoldingABundleWinsAndTheChooserOpensInItsFolder() throws Exception {
        Path camera = dir("media/sam/CAMERA");
        file("media/sam/CAMERA/DCIM/img-001.jpg");
        Path stick = dir("media/sam/FIELD-USB");
        file("media/sam/FIELD-USB/acme/2026-03/crossing-controller-2.5.0.FWB");
        Path last = dir("home/sam/Downloads");
        assertThat(BundleFolders.initialFolder(List.of(camera, stick), Optional.of(last)))
                .contains(stick.resolve("acme/2026-03"));
    }

    @Test
    void aBundleAtTheTopOfADriveIsFoundBeforeOneDeeperDown() throws Exception {
        Path stick = dir("Volumes/STICK");
        file("Volumes/STICK/a/old.fwb");
        file("Volumes/STICK/new.fwb");
        assertThat(BundleFolders.initialFolder(List.of(stick), Optional.empty())).contains(stick);
    }

    @Test
    void withoutABundleOnAnyDriveTheLastUsedFolderIsUsedWhileItExists() throws Exception {
        Path stick = dir("run/media/sam/EMPTY");
        file("run/media/sam/EMPTY/readme.txt");
        file("run/media/sam/EMPTY/a/b/c/too-deep.fwb");   // deeper than the search goes
        dir("run/media/sam/EMPTY/folder.fwb");              // a folder, not a bundle
        Path last = dir("home/sam/bundles");
        assertThat(BundleFolders.initialFolder(List.of(stick), Optional.of(last))).contains(last);
        assertThat(BundleFolders.initialFolder(List.of(stick), Optional.of(tmp.resolve("gone")))).isEmpty();
        assertThat(BundleFolders.initialFolder(List.of(tmp.resolve("unplugged")), Optional.empty())).isEmpty();
    }

    @Test
    void linuxDrivesAreTheUsersMountFolders() {
        // no such user: nothing mounted for them, and nothing is made up
        assertThat(BundleFolders.removableDrives("Linux", "no-such-user-" + System.nanoTime())).isEmpty();
    }
}
