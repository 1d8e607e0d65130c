package io.fieldflash.ui.common;

import io.fieldflash.FieldFlashException;
import io.fieldflash.ui.AppContext;
import io.fieldflash.update.Settings;
import io.fieldflash.wifi.ProcessCommandRunner;
import io.fieldflash.wifi.SoftApPatterns;
import io.fieldflash.wifi.WifiAdapter;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The laptop's Wi-Fi adapter as the wizard uses it: the built-in device network patterns plus the vendor's. */
public final class LaptopWifi {
    private static final Logger LOG = LoggerFactory.getLogger(LaptopWifi.class);

    private LaptopWifi() {}

    /** Reads the settings file, so call it off the FX thread. */
    public static WifiAdapter adapter(AppContext context) {
        SoftApPatterns patterns = SoftApPatterns.defaults();
        List<String> vendor = Settings.load(Settings.file(context.dirs().user())).softApPatterns();
        try {
            patterns = patterns.withVendorPatterns(vendor);
        } catch (FieldFlashException e) {
            LOG.warn("Ignoring the vendor SSID patterns in the settings: {}", e.getMessage());
        }
        return WifiAdapter.forCurrentOs(ProcessCommandRunner.forCurrentOs(), patterns);
    }
}
