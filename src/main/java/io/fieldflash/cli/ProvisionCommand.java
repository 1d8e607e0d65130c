package io.fieldflash.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fieldflash.Printable;
import io.fieldflash.provision.ParticleSoftAp;
import io.fieldflash.provision.ProvisionException;
import io.fieldflash.provision.Provisioning;
import io.fieldflash.provision.Security;
import io.fieldflash.provision.SoftApAddress;
import io.fieldflash.provision.SoftApTransport;
import io.fieldflash.provision.WifiCredentials;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "provision",
        description = {"Sets a Particle device (Photon, P1) in listening mode up to join a site's Wi-Fi",
            "network, with Particle's SoftAP set-up protocol: reads its id and key, looks for",
            "the network in the device's own scan, sets the claim code, stores the network",
            "(the password encrypted under the device's key), then tells it to connect.",
            "Join the device's access point (Photon-XXXX) first.", ""},
        footer = {"", "The password may also come from the environment (it then stays out of the",
            "shell history):  export " + ProvisionCommand.PASSWORD_ENV + "=...",
            "", "Exit codes: 0 the device accepted everything and is joining the network,",
            "            1 the device refused a step or did not answer (connect-ap was then",
            "              not sent: the device stays in listening mode),",
            "            2 usage error.",
            "", "Example:  fieldflash provision --device tcp://192.168.0.1 \\",
            "            --ssid \"Site Office WLAN\" --security wpa2-aes --claim-code CODE"})
final class ProvisionCommand implements Callable<Integer> {
    static final String PASSWORD_ENV = "FIELDFLASH_WIFI_PASSWORD";

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help message and exit.")
    boolean help;

    @Option(names = "--device", required = true, paramLabel = "URL",
            description = "tcp://HOST[:PORT] (raw protocol, port 5609 by default) or http://HOST[:PORT] (port 80 by default).")
    String device;

    @Option(names = "--ssid", required = true, paramLabel = "S", description = "The site network's name (1-32 bytes).")
    String ssid;

    @Option(names = "--password", paramLabel = "P", description = "The network's password (default: $" + PASSWORD_ENV + ").")
    String password;

    @Option(names = "--security", required = true, paramLabel = "TYPE",
            description = "open, wep, wpa-tkip, wpa-aes, wpa2-aes, wpa2-mixed (also wep-shared, wpa2-tkip).")
    String security;

    @Option(names = "--channel", paramLabel = "N", defaultValue = "0",
            description = "The network's channel (default: from the device's scan, else any).")
    int channel;

    @Option(names = "--claim-code", paramLabel = "C", description = "Claim code to give the device (it presents it to the cloud when it connects).")
    String claimCode;

    @Option(names = "--json", description = "Print one JSON object with the outcome (last line of standard output).")
    boolean json;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        SoftApAddress address;
        try {
            address = SoftApAddress.parse(device);
        } catch (IllegalArgumentException e) {
            throw usage("--device: " + e.getMessage());
        }
        Security sec = Security.ofName(security).orElseThrow(() -> usage("--security: '" + security
                + "' is not one of open, wep, wpa-tkip, wpa-aes, wpa2-aes, wpa2-mixed"));
        String pw = password != null ? password : System.getenv().getOrDefault(PASSWORD_ENV, "");
        if (pw.isEmpty() && sec != Security.OPEN) {
            throw usage("the network's password is missing: give --password P or set " + PASSWORD_ENV + " (or --security open)");
        }
        String cc = claimCode == null ? "" : claimCode;
        if (claimCode != null && (cc.isEmpty() || cc.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > 63)) {
            throw usage("--claim-code must be 1 to 63 bytes");
        }
        WifiCredentials wifi;
        try {
            wifi = new WifiCredentials(ssid, pw, sec, channel);
        } catch (IllegalArgumentException e) {
            throw usage(e.getMessage());
        }

        List<String> warnings = new ArrayList<>();
        ParticleSoftAp softAp = new ParticleSoftAp(SoftApTransport.of(address));
        try {
            Provisioning.Result r = Provisioning.run(softAp, wifi, cc, event -> {
                switch (event) {
                    case Provisioning.Event.Step s -> {
                        if (!json) {
                            out.println(s.text());
                            out.flush();
                        }
                    }
                    case Provisioning.Event.Warning w -> {
                        warnings.add(w.text());
                        err.println("Warning: " + w.text());
                        err.flush();
                    }
                }
            });
            if (json) {
                ObjectNode o = outcome(true, address, wifi, warnings);
                o.put("deviceId", r.deviceId()).put("claimed", r.claimed()).put("channel", r.channel()).put("claimCodeSet", r.claimCodeSet());
                ArrayNode cmds = o.putArray("commands");
                r.commands().forEach(cmds::add);
                o.putNull("reason");
                o.putNull("message");
                JsonOut.print(out, o);
            } else {
                out.println("Done: the device accepted the network \"" + Printable.of(wifi.ssid()) + "\" and is joining it.");
                out.flush();
            }
            return 0;
        } catch (ProvisionException e) {
            if (json) {
                ObjectNode o = outcome(false, address, wifi, warnings);
                o.put("reason", e.code()).put("message", e.getMessage()).put("hint", e.hint());
                if (e.deviceCode() != 0) o.put("deviceCode", e.deviceCode());
                JsonOut.print(out, o);
            } else {
                Main.printError(err, e);
            }
            return Main.EXIT_FAILED;
        }
    }

    private static ObjectNode outcome(boolean ok, SoftApAddress address, WifiCredentials wifi, List<String> warnings) {
        ObjectNode o = JsonOut.object();
        o.put("ok", ok).put("device", address.toString()).put("ssid", wifi.ssid()).put("security", wifi.security().cliName());
        ArrayNode w = o.putArray("warnings");
        warnings.forEach(w::add);
        return o;
    }

    private CommandLine.ParameterException usage(String message) {
        return new CommandLine.ParameterException(spec.commandLine(), message);
    }
}
