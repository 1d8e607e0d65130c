package io.fieldflash.ui;

import io.fieldflash.ui.bundle.BundleStepController;
import io.fieldflash.ui.connect.ConnectStepController;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.function.BooleanSupplier;
import javafx.application.Platform;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.ProgressBar;

/**
 * The documentation tour ({@code fieldflash gui --tour}): walks the real wizard through the demo and stops at
 * each page, printing {@code SHOT <name>} and waiting for a line on standard input, so that
 * {@code docs/make-screenshots.sh} can photograph the real window under Xvfb.
 */
final class Tour implements Runnable {
    /** The window's size in the screenshots. */
    static final int WIDTH = 1366, HEIGHT = 768;

    private final FieldFlashApp.Wizard wizard;
    private final BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));

    Tour(FieldFlashApp.Wizard wizard) {
        this.wizard = wizard;
    }

    /**
     * For bench/: verifies {@code args[0]} (a bundle), connects to {@code args[1]} with token {@code args[2]}
     * and runs the update through the wizard's own buttons, printing {@code BENCH done <outcome>} at the end.
     */
    static void benchFlash(FieldFlashApp.Wizard wizard, java.util.List<String> args) {
        Thread.ofPlatform().daemon().name("fieldflash-bench").start(() -> {
            Tour t = new Tour(wizard);
            try {
                BundleStepController bundle = wizard.step(WizardStep.BUNDLE);
                fx(() -> bundle.verify(java.nio.file.Path.of(args.get(0))));
                until(() -> wizard.model().step() == WizardStep.CONNECT, 120);   // a good bundle moves on by itself
                ConnectStepController connect = wizard.step(WizardStep.CONNECT);
                fx(() -> connect.fill(args.get(1), args.get(2)));
                fx(() -> t.button("Connect").fire());
                until(() -> wizard.model().step() == WizardStep.REVIEW, 30);     // and so does a device found
                until(() -> t.find(n -> n instanceof Button b && b.isVisible() && "Start update".equals(plain(b)) && !b.isDisabled()), 30);
                fx(() -> t.button("Start update").fire());
                until(() -> wizard.model().step() == WizardStep.RESULT, 600);
                System.out.println("BENCH done " + wizard.model().result().orElseThrow().outcome());
            } catch (Exception e) {
                System.out.println("BENCH failed " + e);
            }
            System.out.flush();
            Platform.exit();
        });
    }

    static void start(FieldFlashApp.Wizard wizard) {
        Thread.ofPlatform().daemon().name("fieldflash-tour").start(new Tour(wizard));
    }

    @Override
    public void run() {
        try {
            pause(Duration.ofMillis(800));
            shot("1-bundle");
            BundleStepController bundle = wizard.step(WizardStep.BUNDLE);
            fx(() -> button("Try the demo (no device needed)").fire());
            // a page that succeeded moves on by itself; the tour goes Back to photograph it, as a person may
            until(() -> wizard.model().step() == WizardStep.CONNECT, 60);
            fx(() -> button("Back").fire());
            shot("1-bundle-verified");
            fx(() -> button("Next").fire());
            until(() -> wizard.model().step() == WizardStep.CONNECT, 10);
            pause(Duration.ofMillis(400));
            shot("2-connect-start");
            fx(() -> button("Connect").fire());
            until(() -> wizard.model().step() == WizardStep.REVIEW, 30);
            fx(() -> button("Back").fire());
            shot("2-connect");
            fx(() -> button("Next").fire());
            until(() -> find(n -> n instanceof Button b && b.isVisible() && "Start update".equals(plain(b)) && !b.isDisabled()), 30);
            shot("3-review");
            configure();
            fx(() -> button("Start update").fire());
            until(() -> wizard.root().lookup(".progress-bar") instanceof ProgressBar p && p.getProgress() > 0.45, 60);
            shot("4-update");
            until(() -> wizard.model().step() == WizardStep.RESULT, 120);
            shot("5-result");
            fx(() -> wizard.main().toggleContrastForTour());
            shot("5-result-high-contrast");
            fx(() -> wizard.main().toggleContrastForTour());
            usbTour();
            // a refused bundle, for the guide: the demo bundle with one byte changed
            java.nio.file.Path demoBundle = wizard.model().demo().orElseThrow().bundle();
            byte[] all = java.nio.file.Files.readAllBytes(demoBundle);
            all[all.length - 500] ^= 0x5a;
            java.nio.file.Path bad = demoBundle.resolveSibling("tampered-demo.fwb");
            java.nio.file.Files.write(bad, all);
            fx(() -> wizard.model().goTo(WizardStep.BUNDLE));
            fx(() -> bundle.verify(bad));
            until(() -> find(n -> n.getId() != null && n.getId().equals("verdictCard") && n.isVisible()
                    && n.getStyleClass().contains("bad")), 30);
            shot("1-bundle-refused");
            // setting up a new device's Wi-Fi, against a simulated Photon on this laptop
            java.nio.file.Path photonDir = java.nio.file.Files.createTempDirectory("fieldflash-tour-photon");
            try (io.fieldflash.sim.particle.ParticleSoftApDevice photon = io.fieldflash.sim.particle.ParticleSoftApDevice.start(
                    new io.fieldflash.sim.particle.ParticleSoftApDevice.Config(photonDir, java.net.InetAddress.getLoopbackAddress(), 0, 0,
                            null, io.fieldflash.sim.particle.ParticleFaults.NONE))) {
                io.fieldflash.ui.provision.ProvisionWindow[] provision = {null};
                fx(() -> provision[0] = bundle.openProvisioning());
                fx(() -> provision[0].findAt(new io.fieldflash.provision.SoftApAddress(io.fieldflash.provision.SoftApAddress.Transport.TCP,
                        "127.0.0.1", photon.tcpPort())));
                until(() -> provision[0].listedForTour(), 30);
                fx(() -> provision[0].pickForTour("Site Office WLAN", "example-password"));
                shot("7-provision-wifi");
                fx(() -> provision[0].close());
            }
            fx(() -> wizard.main().openSettingsForTour());
            shot("6-settings-trust");
            System.out.println("TOUR done");
            System.out.flush();
            fx(Platform::exit);
        } catch (Exception e) {
            System.out.println("TOUR failed: " + e);
            System.out.flush();
            Platform.exit();
        }
    }

    /** The device's settings form, with two changes reviewed (for the guide), then closed. */
    private void configure() throws Exception {
        fx(() -> button("Configure the device…").fire());
        until(() -> form().map(r -> r.lookup("#configure-field-gateDownDelay") != null
                && r.lookup("#configure-status") instanceof javafx.scene.control.Label l && l.getText().startsWith("Change")).orElse(false), 30);
        fx(() -> {
            javafx.scene.Parent r = form().orElseThrow();
            ((javafx.scene.control.TextField) r.lookup("#configure-field-siteName")).setText("Main St crossing");
            ((javafx.scene.control.TextField) r.lookup("#configure-field-gateDownDelay")).setText("12");
            ((Button) r.lookup("#configure-review-button")).fire();
        });
        shot("7-configure");
        fx(() -> ((Button) form().orElseThrow().lookup("#configure-close")).fire());
    }

    private static java.util.Optional<javafx.scene.Parent> form() {
        return javafx.stage.Window.getWindows().stream().filter(w -> w.getScene() != null)
                .map(w -> w.getScene().getRoot()).filter(r -> "configure-root".equals(r.getId())).findFirst();
    }

    /**
     * The USB cable path, when socat can make a pty pair: a simulated ESP32-S3 in its bootloader on the far end, the
     * port typed in (ptys are not listed), Connect with the unit found, Review with the unit confirmed.
     */
    private void usbTour() throws Exception {
        java.nio.file.Path dir = wizard.model().demo().orElseThrow().bundle().resolveSibling("usb");
        java.nio.file.Files.createDirectories(dir);
        java.nio.file.Path a = dir.resolve("ttyA"), b = dir.resolve("ttyB");
        Process socat;
        try {
            socat = new ProcessBuilder("socat", "pty,raw,echo=0,link=" + a, "pty,raw,echo=0,link=" + b)
                    .redirectErrorStream(true).redirectOutput(dir.resolve("socat.log").toFile()).start();
        } catch (java.io.IOException e) {
            System.out.println("TOUR no-socat (no USB pictures)");
            return;
        }
        io.fieldflash.sim.esprom.SimulatedRom rom = null;
        try {
            until(() -> java.nio.file.Files.exists(a) && java.nio.file.Files.exists(b), 10);
            rom = io.fieldflash.sim.esprom.SimulatedRom.start(io.fieldflash.sim.esprom.RomSimConfig.of(b.toString(), dir.resolve("unit"),
                    io.fieldflash.device.esprom.Chip.ESP32S3));
            WizardModel model = wizard.model();
            fx(() -> {
                model.clearJob();
                model.connectionProperty().set(null);
                model.usbChosenProperty().set(true);
                model.goTo(WizardStep.CONNECT);
            });
            ConnectStepController connect = wizard.step(WizardStep.CONNECT);
            fx(() -> connect.fillPort(a.toString(), Duration.ofSeconds(60)));
            fx(() -> button("Find the unit").fire());
            until(() -> model.step() == WizardStep.REVIEW, 30);      // found: Review comes by itself; Back to photograph Connect
            fx(() -> button("Back").fire());
            shot("2-connect-usb");
            fx(() -> button("Next").fire());
            until(() -> wizard.root().lookup("#confirmUnit") instanceof javafx.scene.control.CheckBox c && c.isVisible(), 10);
            fx(() -> ((javafx.scene.control.CheckBox) wizard.root().lookup("#confirmUnit")).setSelected(true));
            shot("3-review-usb");
            fx(() -> {
                model.connectionProperty().set(null);     // lets go of the port
                model.usbChosenProperty().set(false);
            });
        } finally {
            if (rom != null) rom.stop();
            socat.destroy();
        }
    }

    private void shot(String name) throws Exception {
        pause(Duration.ofMillis(600));   // let the page settle (animations, layout)
        System.out.println("SHOT " + name);
        System.out.flush();
        in.readLine();
    }

    private Button button(String text) {
        return (Button) wizard.root().lookupAll(".button").stream()
                .filter(n -> n instanceof Button b && b.isVisible() && text.equals(plain(b)))
                .findFirst().orElseThrow(() -> new IllegalStateException("no button " + text));
    }

    private boolean find(java.util.function.Predicate<Node> p) {
        return wizard.root().lookupAll("*").stream().anyMatch(p);
    }

    private static String plain(Button b) {
        return b.getText().replace("_", "");
    }

    private static void fx(Runnable r) throws InterruptedException {
        java.util.concurrent.CountDownLatch done = new java.util.concurrent.CountDownLatch(1);
        Platform.runLater(() -> {
            try {
                r.run();
            } finally {
                done.countDown();
            }
        });
        done.await();
    }

    private static void until(BooleanSupplier condition, int seconds) throws Exception {
        long end = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
        while (System.nanoTime() < end) {
            boolean[] ok = {false};
            fx(() -> ok[0] = condition.getAsBoolean());
            if (ok[0]) return;
            Thread.sleep(100);
        }
        throw new IllegalStateException("the tour waited " + seconds + " s in vain");
    }

    private static void pause(Duration d) throws InterruptedException {
        Thread.sleep(d.toMillis());
    }
}
