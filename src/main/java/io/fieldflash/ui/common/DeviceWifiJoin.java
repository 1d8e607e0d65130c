package io.fieldflash.ui.common;

import io.fieldflash.FieldFlashException;
import io.fieldflash.ui.AppContext;
import io.fieldflash.wifi.WifiAdapter;
import io.fieldflash.wifi.WifiConnection;
import io.fieldflash.wifi.WifiNetwork;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.Executor;
import java.util.function.Function;
import java.util.function.Predicate;
import javafx.concurrent.Task;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A window's own visit to a device's Wi-Fi: it finds the device's network in a scan, joins it, remembers the
 * connection so the window can reach the device through it, and leaves it again when the window closes. The
 * window keeps its words; this class only says which of the known failures happened.
 */
public final class DeviceWifiJoin {
    private static final Logger LOG = LoggerFactory.getLogger(DeviceWifiJoin.class);

    private final Callable<WifiAdapter> adapters;
    private volatile WifiAdapter wifi;
    private volatile WifiConnection joined;

    /** @param adapters makes the laptop's Wi-Fi adapter, once, when a join first needs it */
    public DeviceWifiJoin(Callable<WifiAdapter> adapters) {
        this.adapters = adapters;
    }

    /** The connection the last join made and that has not been left yet; null when there is none. */
    public WifiConnection joined() {
        return joined;
    }

    /**
     * The device's network among {@code scan}: of the networks named like a device, the strongest whose name
     * {@code preferName} accepts, else the strongest of them all.
     */
    public static Optional<WifiNetwork> deviceNetwork(List<WifiNetwork> scan, Predicate<String> preferName) {
        List<WifiNetwork> devices = scan.stream().filter(WifiNetwork::looksLikeDevice).toList();
        Optional<WifiNetwork> preferred = devices.stream().filter(n -> preferName.test(n.ssid())).min(WifiNetwork.DEVICES_FIRST);
        return preferred.isPresent() ? preferred : devices.stream().min(WifiNetwork.DEVICES_FIRST);
    }

    /**
     * {@link #join} as a task for {@link Tasks#run}: the scan and the join block, so they run off the FX thread.
     * The task takes over {@code password} and wipes it when done.
     */
    public Task<WifiConnection> task(Predicate<String> preferName, char[] password, Duration deadline) {
        return new Task<>() {
            @Override
            protected WifiConnection call() throws Exception {
                return join(preferName, password, deadline);
            }
        };
    }

    /**
     * Scans, leaves the network an earlier join made, and joins the device's network ({@link #deviceNetwork}),
     * within {@code deadline}; wipes {@code password} however it ends. Blocks.
     *
     * @throws NoWifi          FieldFlash cannot drive Wi-Fi on this laptop
     * @throws NoDeviceNetwork no network in the scan is named like a device
     */
    public WifiConnection join(Predicate<String> preferName, char[] password, Duration deadline) throws Exception {
        try {
            if (wifi == null) wifi = adapters.call();
            if (!wifi.isSupported()) throw new NoWifi();
            WifiNetwork n = deviceNetwork(wifi.scan(), preferName).orElseThrow(NoDeviceNetwork::new);
            if (joined != null) wifi.leave(joined);
            joined = null;
            WifiConnection c = wifi.join(n.ssid(), password, deadline);
            joined = c;
            return c;
        } finally {
            Arrays.fill(password, '\0');
        }
    }

    /**
     * Leaves the device's network, if a join made one, on {@code background} (the window is closing): the laptop
     * goes back to its own network. A failure is logged, not shown: there is no window left to show it in.
     */
    public void leaveQuietly(Executor background) {
        WifiConnection c = joined;
        joined = null;
        WifiAdapter w = wifi;
        if (c == null || w == null) return;
        background.execute(() -> leave(w, c));
    }

    /** Leaves {@code connection} now, back to the laptop's own network; a failure is logged, not thrown. Blocks. */
    public static void leave(WifiAdapter wifi, WifiConnection connection) {
        try {
            wifi.leave(connection);
        } catch (FieldFlashException e) {
            LOG.warn("Could not return to the previous network: {}", e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * The window's sentence for a failed join: {@code noWifiKey} or {@code noNetworkKey} for the two known cases,
     * {@code failed} for the adapter's own errors, and the internal-error text for anything else.
     */
    public static String problem(Throwable e, AppContext context, String noWifiKey, String noNetworkKey,
                                 Function<FieldFlashException, String> failed) {
        if (e instanceof NoWifi) return context.text(noWifiKey);
        if (e instanceof NoDeviceNetwork) return context.text(noNetworkKey);
        if (e instanceof FieldFlashException f) return failed.apply(f);
        return context.text("error.internal", String.valueOf(e));
    }

    /** FieldFlash cannot drive Wi-Fi on this laptop. */
    public static final class NoWifi extends Exception {
        NoWifi() {
            super(null, null, false, false);
        }
    }

    /** No network in the scan is named like a device. */
    public static final class NoDeviceNetwork extends Exception {
        NoDeviceNetwork() {
            super(null, null, false, false);
        }
    }
}
