package io.fieldflash.bundle.inner;

import io.fieldflash.Printable;
import java.util.ArrayList;
import java.util.List;

/**
 * What a checker found inside an image, as short lines for a person (the command line and the wizard's Details).
 * Every value read from the image goes through {@link Printable}, so the lines are safe to print as they are.
 */
public final class InnerSummary {
    private InnerSummary() {}

    /** One line: the format and the few facts that identify the image, e.g. {@code esp-app for ESP32, version 2.4.1}. */
    public static String line(InnerVerdict v) {
        return v.format().id() + (facts(v.facts()).isEmpty() ? "" : ": " + String.join(", ", facts(v.facts())));
    }

    /** The facts found, one short phrase each. */
    public static List<String> facts(InnerFacts facts) {
        List<String> out = new ArrayList<>();
        switch (facts) {
            case InnerFacts.None none -> { }
            case InnerFacts.EspApp app -> {
                out.add("for " + app.chip().map(EspChip::label).orElse(app.chipId().isPresent()
                        ? "chip id " + EspChip.describeChipId(app.chipId().getAsInt()) : "an unknown chip"));
                app.descriptor().ifPresent(d -> {
                    out.add("version " + Printable.cut(d.version(), 40));
                    if (!d.projectName().isEmpty()) out.add("project " + Printable.cut(d.projectName(), 40));
                    out.add("secure_version " + d.secureVersion());
                    if (!d.idfVersion().isEmpty()) out.add("ESP-IDF " + Printable.cut(d.idfVersion(), 40));
                });
                out.add(app.segments() + " segments");
                out.add(app.hashAppended() ? "SHA-256 appended" : "no SHA-256 appended");
            }
            case InnerFacts.Esp32Sbv2 sb -> {
                out.addAll(facts(sb.app()));
                out.add(sb.blocks().size() + " Secure Boot V2 signature block(s)"
                        + (sb.blocks().isEmpty() ? "" : " (" + String.join(", ", sb.blocks().stream().map(InnerFacts.Sbv2Block::scheme).toList()) + ")"));
                sb.verifiedBy().ifPresent(k -> out.add("verified with boot key " + k.substring(0, 16)));
            }
            case InnerFacts.Esp8266Signed es -> {
                out.add(es.dataLength() + " bytes signed with RSA-2048");
                es.verifiedBy().ifPresent(k -> out.add("verified with boot key " + k.substring(0, 16)));
            }
            case InnerFacts.Mcuboot mc -> {
                out.add("version " + Printable.cut(mc.version(), 40));
                mc.securityCounter().ifPresent(c -> out.add("security counter " + c));
                if (!mc.signatures().isEmpty()) out.add(String.join(", ", mc.signatures()) + " signature");
                mc.verifiedBy().ifPresent(k -> out.add("verified with boot key " + k.substring(0, 16)));
            }
        }
        return out;
    }
}
