package io.fieldflash.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fieldflash.FieldFlashException;
import io.fieldflash.Printable;
import io.fieldflash.device.DeviceException;
import io.fieldflash.device.DeviceInfo;
import io.fieldflash.device.http.DeviceSettings;
import io.fieldflash.device.http.HttpDevice;
import io.fieldflash.device.http.HttpSettings;
import io.fieldflash.device.http.SettingRefusedException;
import io.fieldflash.device.http.SettingSpec;
import io.fieldflash.device.http.SettingType;
import io.fieldflash.device.http.SettingValue;
import io.fieldflash.device.http.SettingsSession;
import io.fieldflash.update.SettingsAuditRecord;
import io.fieldflash.update.UpdateStores;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "settings", mixinStandardHelpOptions = true,
        description = {"Reads and changes a device's own settings (gate timers, site name,",
            "time server, ...) over its access point, when its firmware serves them",
            "(fieldflash-http devices).", ""},
        footer = {"", "The token can come from the environment: export " + FlashCommand.TOKEN_ENV + "=...",
            "", "Examples:",
            "  fieldflash settings get --device http://192.168.4.1",
            "  fieldflash settings set --device http://192.168.4.1 gateDownDelay=12 \\",
            "      timeZone=Europe/Berlin"},
        subcommands = {SettingsCommand.Get.class, SettingsCommand.Set.class})
final class SettingsCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** What both commands need to reach the device. */
    static final class Target {
        @Option(names = "--device", required = true, paramLabel = "URL", description = "The device's address, e.g. http://192.168.4.1.")
        String device;

        @Option(names = "--token", paramLabel = "T", description = "The device's access token (default: $" + FlashCommand.TOKEN_ENV + ").")
        String token;

        @Option(names = "--pin-sha256", paramLabel = "FINGERPRINT",
                description = "For an https:// device with its own certificate: trust exactly the certificate with this SHA-256 fingerprint.")
        String pinSha256;

        @Option(names = "--json", description = "Print one JSON object (the last line of standard output) instead of a table.")
        boolean json;

        HttpDevice open(CommandLine cl) {
            String tok = (token != null ? token : System.getenv().getOrDefault(FlashCommand.TOKEN_ENV, "")).strip();
            if (tok.isEmpty()) {
                throw new CommandLine.ParameterException(cl, "the device's access token is missing: give --token T or set " + FlashCommand.TOKEN_ENV);
            }
            URI address;
            try {
                address = HttpDevice.parseAddress(device);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(cl, "--device: " + e.getMessage());
            }
            HttpDevice d = new HttpDevice(address, tok, HttpSettings.DEFAULT);
            if (pinSha256 == null) return d;
            try {
                return d.pinning(pinSha256);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(cl, "--pin-sha256: " + e.getMessage());
            }
        }
    }

    /** The device's /info, refusing a device that serves no settings. */
    static DeviceInfo identify(SettingsSession s) throws DeviceException, InterruptedException {
        DeviceInfo info = s.identify();
        if (!info.settings()) {
            throw new DeviceException(DeviceException.Reason.PROTOCOL_ERROR,
                    "The device at " + s.address() + " (" + Printable.cut(info.product(), 80) + ") does not serve settings FieldFlash can change.",
                    "Its firmware has no settings over the access point; ask the vendor how to set it up.");
        }
        return info;
    }

    /** A setting as --json shows it; a secret only as set or not. */
    static ObjectNode json(SettingSpec s, SettingValue v) {
        ObjectNode o = JsonOut.object().put("key", s.key()).put("type", s.type().wire()).put("label", s.label()).put("unit", s.unit())
                .put("readOnly", s.readOnly());
        switch (v) {
            case SettingValue.Text t -> o.put("value", t.text());
            case SettingValue.Whole w -> o.put("value", w.number());
            case SettingValue.Flag f -> o.put("value", f.on());
            case SettingValue.Hidden h -> o.putNull("value").put("set", h.set());
        }
        return o;
    }

    static ObjectNode device(DeviceInfo info, String address) {
        return JsonOut.object().put("id", info.deviceId()).put("product", info.product()).put("address", address);
    }

    static int fail(Target t, PrintWriter out, PrintWriter err, FieldFlashException e) {
        if (t.json) {
            JsonOut.print(out, JsonOut.object().put("ok", false).put("reason", e.code()).put("message", e.getMessage()).put("hint", e.hint()));
        } else {
            Main.printError(err, e);
        }
        return Main.EXIT_FAILED;
    }

    @Command(name = "get", mixinStandardHelpOptions = true,
            description = {"Shows the device's settings: name, value, unit, and the key to change",
                "it with. Secrets show only whether they are set."})
    static final class Get implements Callable<Integer> {
        @CommandLine.Mixin
        Target target = new Target();

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws InterruptedException {
            PrintWriter out = spec.commandLine().getOut(), err = spec.commandLine().getErr();
            HttpDevice device = target.open(spec.commandLine());
            try (SettingsSession s = device.openSettings()) {
                DeviceInfo info = identify(s);
                DeviceSettings settings = s.read();
                if (target.json) {
                    ObjectNode o = JsonOut.object().put("ok", true);
                    o.set("device", device(info, device.address()));
                    ArrayNode list = o.putArray("settings");
                    for (SettingSpec spec : settings.schema()) list.add(json(spec, settings.value(spec.key())));
                    JsonOut.print(out, o);
                } else {
                    out.println("Settings of " + Printable.cut(info.product(), 80) + " " + Printable.cut(info.deviceId(), 64) + " at " + device.address() + ":");
                    table(out, settings);
                    out.println("Change one with: fieldflash settings set --device " + device.address() + " KEY=VALUE");
                    out.flush();
                }
                return 0;
            } catch (DeviceException e) {
                return fail(target, out, err, e);
            }
        }

        static void table(PrintWriter out, DeviceSettings settings) {
            List<String[]> rows = new ArrayList<>();
            rows.add(new String[] {"Setting", "Value", "Unit", "Key"});
            for (SettingSpec s : settings.schema()) {
                rows.add(new String[] {s.shownLabel(), Printable.cut(settings.value(s.key()).display(), 60), s.shownUnit(),
                    s.key() + (s.readOnly() ? " (read-only)" : "")});
            }
            int[] w = new int[4];
            for (String[] r : rows) for (int i = 0; i < 4; i++) w[i] = Math.max(w[i], r[i].length());
            for (String[] r : rows) {
                StringBuilder line = new StringBuilder(" ");
                for (int i = 0; i < 4; i++) line.append(' ').append(i == 3 ? r[i] : pad(r[i], w[i] + 2));
                out.println(line.toString().stripTrailing());
            }
        }

        private static String pad(String s, int n) {
            return s.length() >= n ? s : s + " ".repeat(n - s.length());
        }
    }

    @Command(name = "set", mixinStandardHelpOptions = true,
            description = {"Changes settings on the device: all of them or, if the device refuses",
                "one, none. Shows each old -> new value. A key the device does not have,",
                "or a value outside its limits, is refused before anything is sent.",
                "Every accepted change is written to the audit log ('fieldflash audit",
                "show'); a secret only as \"changed\".",
                "Exit 0 when the device accepted the change, 1 when it refused it or",
                "failed, 2 on a usage error."})
    static final class Set implements Callable<Integer> {
        @CommandLine.Mixin
        Target target = new Target();

        @Parameters(paramLabel = "KEY=VALUE", arity = "1..*", description = "A setting and its new value, e.g. gateDownDelay=12.")
        List<String> assignments;

        @Option(names = "--operator", paramLabel = "NAME", description = "Who makes the change, for the audit log (default: settings.json, else the OS user name).")
        String operator;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws InterruptedException {
            PrintWriter out = spec.commandLine().getOut(), err = spec.commandLine().getErr();
            Map<String, String> wanted = new LinkedHashMap<>();
            for (String a : assignments) {
                int eq = a.indexOf('=');
                if (eq < 1) throw new CommandLine.ParameterException(spec.commandLine(), "\"" + Printable.cut(a, 80) + "\" is not KEY=VALUE");
                if (wanted.put(a.substring(0, eq), a.substring(eq + 1)) != null) {
                    throw new CommandLine.ParameterException(spec.commandLine(), "the setting " + Printable.cut(a.substring(0, eq), 64) + " is given twice");
                }
            }
            HttpDevice device = target.open(spec.commandLine());
            UpdateStores stores = UpdateStores.detect();
            String who = operator != null && !operator.isBlank() ? operator.strip() : stores.settings().operator();
            try (SettingsSession s = device.openSettings()) {
                DeviceInfo info = identify(s);
                DeviceSettings before = s.read();
                Map<String, SettingValue> changes = new LinkedHashMap<>();
                List<String> problems = new ArrayList<>();
                for (Map.Entry<String, String> w : wanted.entrySet()) {
                    var spec = before.spec(w.getKey());
                    if (spec.isEmpty()) {
                        problems.add("The device has no setting \"" + Printable.cut(w.getKey(), 64) + "\"; its settings are "
                                + String.join(", ", before.schema().stream().map(SettingSpec::key).toList()) + ".");
                        continue;
                    }
                    try {
                        SettingValue v = spec.get().parse(w.getValue());
                        if (!v.equals(before.value(w.getKey())) || spec.get().type() == SettingType.SECRET) changes.put(w.getKey(), v);
                    } catch (IllegalArgumentException e) {
                        problems.add(e.getMessage());
                    }
                }
                if (!problems.isEmpty()) {
                    if (target.json) {
                        JsonOut.print(out, JsonOut.object().put("ok", false).put("reason", "REFUSED_BEFORE_SENDING")
                                .put("message", String.join(" ", problems)).put("hint", "Nothing was sent to the device."));
                    } else {
                        problems.forEach(p -> err.println("Not sent: " + p));
                        err.println("Nothing was sent to the device. Run 'fieldflash settings get' to see its settings and their limits.");
                        err.flush();
                    }
                    return Main.EXIT_USAGE;
                }
                if (changes.isEmpty()) {
                    if (target.json) {
                        ObjectNode o = JsonOut.object().put("ok", true).put("changed", 0);
                        o.putArray("changes");
                        JsonOut.print(out, o.putNull("reason"));
                    }
                    else out.println("Nothing to change: the device already has these values.");
                    out.flush();
                    return 0;
                }
                DeviceSettings after;
                try {
                    after = s.write(changes);
                } catch (SettingRefusedException e) {
                    if (target.json) {
                        JsonOut.print(out, JsonOut.object().put("ok", false).put("reason", e.code()).put("field", e.field())
                                .put("message", e.deviceMessage()).put("hint", e.hint()));
                    } else {
                        err.println("Refused by the device: " + before.spec(e.field()).map(SettingSpec::shownLabel).orElse(Printable.cut(e.field(), 64))
                                + " (" + Printable.cut(e.field(), 64) + "): " + Printable.cut(e.deviceMessage(), 300));
                        err.println("Nothing was changed on the device. " + e.hint());
                        err.flush();
                    }
                    return Main.EXIT_FAILED;
                }
                List<SettingsAuditRecord.Change> record = new ArrayList<>();
                ArrayNode shown = JsonOut.object().arrayNode();
                for (String key : changes.keySet()) {
                    SettingSpec spec = before.spec(key).orElseThrow();
                    SettingValue old = before.value(key);
                    SettingValue now = after.values().getOrDefault(key, changes.get(key));
                    if (spec.type() == SettingType.SECRET) {
                        record.add(SettingsAuditRecord.Change.secret(key, spec.label()));
                        shown.addObject().put("key", key).put("label", spec.label()).put("change", "changed");
                        if (!target.json) out.println("  " + spec.shownLabel() + ": changed");
                    } else {
                        record.add(new SettingsAuditRecord.Change(key, spec.label(), plain(old), plain(now), false));
                        shown.addObject().put("key", key).put("label", spec.label()).put("old", plain(old)).put("new", plain(now));
                        if (!target.json) {
                            out.println("  " + spec.shownLabel() + ": " + old.display() + " -> " + now.display()
                                    + (spec.unit().isEmpty() ? "" : " " + spec.shownUnit()));
                        }
                    }
                }
                try {
                    stores.audit().append(new SettingsAuditRecord(Instant.now(), who, info.deviceId(), info.product(), HttpDevice.PROTOCOL,
                            device.address(), record));
                } catch (IOException e) {
                    err.println("Warning: the device accepted the change, but the audit log could not be written ("
                            + Printable.of(e.getMessage()) + "). Note the change by hand.");
                    err.flush();
                    return Main.EXIT_FAILED;
                }
                if (target.json) {
                    ObjectNode o = JsonOut.object().put("ok", true).put("changed", changes.size());
                    o.set("device", device(info, device.address()));
                    o.set("changes", shown);
                    o.putNull("reason");
                    JsonOut.print(out, o);
                } else {
                    out.println("The device accepted " + (changes.size() == 1 ? "the change" : "the " + changes.size() + " changes")
                            + "; written to the audit log.");
                    out.flush();
                }
                return 0;
            } catch (DeviceException e) {
                return fail(target, out, err, e);
            }
        }

        /** A value as the audit log keeps it: the plain text, not escaped. */
        private static String plain(SettingValue v) {
            return switch (v) {
                case SettingValue.Text t -> t.text();
                case SettingValue.Whole w -> Long.toString(w.number());
                case SettingValue.Flag f -> Boolean.toString(f.on());
                case SettingValue.Hidden h -> h.set() ? "(set)" : "(not set)";
            };
        }
    }
}
