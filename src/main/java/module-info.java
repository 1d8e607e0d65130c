/** FieldFlash: offline firmware updater. */
module io.fieldflash {
    requires java.net.http;
    requires jdk.httpserver;
    requires com.fasterxml.jackson.databind;
    requires org.bouncycastle.provider;
    requires org.bouncycastle.util;
    requires org.bouncycastle.pkix;
    requires com.fazecast.jSerialComm;
    requires info.picocli;
    requires org.slf4j;
    requires javafx.controls;
    requires javafx.fxml;
    requires org.controlsfx.controls;

    exports io.fieldflash;
    exports io.fieldflash.bundle;
    exports io.fieldflash.bundle.inner;
    exports io.fieldflash.cli;
    exports io.fieldflash.device;
    exports io.fieldflash.device.http;
    exports io.fieldflash.device.viperhttp;
    exports io.fieldflash.device.espota;
    exports io.fieldflash.device.webupdater;
    exports io.fieldflash.device.elegantota;
    exports io.fieldflash.device.serial;
    exports io.fieldflash.device.esprom;
    exports io.fieldflash.update;
    exports io.fieldflash.update.report;
    exports io.fieldflash.sim;
    exports io.fieldflash.sim.viperhttp;
    exports io.fieldflash.sim.espota;
    exports io.fieldflash.sim.webupdater;
    exports io.fieldflash.sim.elegantota;
    exports io.fieldflash.sim.particle;
    exports io.fieldflash.provision;
    exports io.fieldflash.sim.esprom;
    exports io.fieldflash.ui;
    exports io.fieldflash.log;
    exports io.fieldflash.wifi;

    opens io.fieldflash.ui to javafx.fxml;
    opens io.fieldflash.ui.bundle to javafx.fxml;
    opens io.fieldflash.ui.connect to javafx.fxml;
    opens io.fieldflash.ui.review to javafx.fxml;
    opens io.fieldflash.ui.flash to javafx.fxml;
    opens io.fieldflash.ui.result to javafx.fxml;

    opens io.fieldflash.cli to info.picocli;

    provides org.slf4j.spi.SLF4JServiceProvider with io.fieldflash.log.LogProvider;
}
