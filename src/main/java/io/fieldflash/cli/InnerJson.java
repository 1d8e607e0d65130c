package io.fieldflash.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fieldflash.bundle.inner.EspChip;
import io.fieldflash.bundle.inner.InnerFacts;
import io.fieldflash.bundle.inner.InnerVerdict;

/** An image's inner-format verdict as JSON, for {@code verify --json} and {@code bundle inspect --json}. */
final class InnerJson {
    private InnerJson() {}

    static ObjectNode of(InnerVerdict v) {
        ObjectNode o = JsonOut.object().put("format", v.format().id()).put("ok", v.ok())
                .put("reason", v.reason().code()).put("detail", v.detail());
        facts(o.putObject("facts"), v.facts());
        return o;
    }

    private static void facts(ObjectNode o, InnerFacts facts) {
        switch (facts) {
            case InnerFacts.None none -> { }
            case InnerFacts.EspApp app -> {
                app.chip().map(EspChip::id).ifPresent(c -> o.put("chip", c));
                app.chipId().ifPresent(id -> o.put("chipId", id));
                o.put("segments", app.segments()).put("hashAppended", app.hashAppended()).put("imageLength", app.imageLength());
                app.descriptor().ifPresent(d -> o.putObject("appDescriptor").put("version", d.version())
                        .put("projectName", d.projectName()).put("secureVersion", d.secureVersion())
                        .put("idfVersion", d.idfVersion()).put("compileDate", d.compileDate())
                        .put("compileTime", d.compileTime()).put("elfSha256", d.elfSha256()));
            }
            case InnerFacts.Esp32Sbv2 sb -> {
                facts(o.putObject("app"), sb.app());
                o.put("signedLength", sb.signedLength());
                var blocks = o.putArray("blocks");
                sb.blocks().forEach(b -> blocks.addObject().put("index", b.index()).put("scheme", b.scheme()).put("keyDigest", b.keyDigest()));
                sb.verifiedBy().ifPresent(k -> o.put("verifiedBy", k));
            }
            case InnerFacts.Esp8266Signed es -> {
                o.put("dataLength", es.dataLength());
                es.verifiedBy().ifPresent(k -> o.put("verifiedBy", k));
            }
            case InnerFacts.Mcuboot mc -> {
                o.put("version", mc.version());
                mc.securityCounter().ifPresent(c -> o.put("securityCounter", c));
                o.put("headerSize", mc.headerSize()).put("imageSize", mc.imageSize()).put("flags", mc.flags())
                        .put("sha256", mc.sha256()).put("trailingBytes", mc.trailingBytes());
                mc.signatures().forEach(o.putArray("signatures")::add);
                mc.verifiedBy().ifPresent(k -> o.put("verifiedBy", k));
            }
        }
    }
}
