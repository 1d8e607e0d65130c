package io.fieldflash.cli;

import io.fieldflash.testing.CliRun;
import static io.fieldflash.testing.CliRun.run;
import static org.assertj.core.api.Assertions.assertThat;

import io.fieldflash.AppDirs;
import io.fieldflash.testing.TestBundles;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code --portable} on the real command line, and the wizard's bundle argument. */
class PortableAndGuiArgsTest {
    @TempDir
    Path dir;


    @AfterEach
    void clear() {
        System.clearProperty(AppDirs.APP_ROOT);
        System.clearProperty(AppDirs.PORTABLE);
        System.clearProperty("fieldflash.machineHome");
    }


    @Test
    void portableKeepsTheTrustStoreBesideTheAppBeforeOrAfterTheCommand() throws Exception {
        Path app = Files.createDirectories(dir.resolve("usb/fieldflash"));
        System.setProperty(AppDirs.APP_ROOT, app.toString());
        System.setProperty("fieldflash.machineHome", dir.resolve("no-machine-store").toString());
        TestBundles.Made made = TestBundles.make(dir.resolve("b"), "2.4.1", 7, 1024, 3);

        CliRun add = run("--portable", "trust", "add", made.trustFile().toString(), "--name", "Vendor");
        assertThat(add.exit()).as(add.err()).isZero();
        assertThat(app.resolve("data/trust.json")).exists();

        CliRun verify = run("verify", "--portable", made.path().toString());
        assertThat(verify.exit()).as(verify.err()).isZero();
        assertThat(verify.out()).startsWith("VALID");
    }

    @Test
    void portableOutsideAnAppImageIsAUsageErrorThatSaysWhatToDoInstead() {
        CliRun r = run("--portable", "trust", "list");
        assertThat(r.exit()).isEqualTo(Main.EXIT_USAGE);
        assertThat(r.err()).contains("--portable applies to the installed or portable app only").contains("FIELDFLASH_HOME");
        assertThat(System.getProperty(AppDirs.PORTABLE)).isNull();
    }

    @Test
    void theWizardTakesABundleToOpen() {
        GuiCommand gui = new GuiCommand();
        new CommandLine(gui).parseArgs("--bench-start", "update.fwb");
        assertThat(gui.bundle).isEqualTo(Path.of("update.fwb"));
        assertThat(gui.benchStart).isTrue();

        GuiCommand none = new GuiCommand();
        new CommandLine(none).parseArgs();
        assertThat(none.bundle).isNull();
    }
}
