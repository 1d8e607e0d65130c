package io.fieldflash.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import io.fieldflash.device.esprom.Slip;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The SLIP decoder reads whatever comes down a serial line (a ROM's answers, boot text, line noise; on the
 * simulator's side, whatever a host sends): it never throws, never yields a packet over its limit, and a packet
 * framed after any garbage still arrives intact.
 */
class SlipFuzzTest {

    @Test
    void decoderSurvivesAnyLineAndRecoversAtTheNextFrame() {
        byte[] known = {1, 0x0A, 4, 0, 0x07, 0x07, 0x12, 0x20, 0, 0, (byte) 0xC0, (byte) 0xDB};
        byte[] framed = Slip.encode(known);
        List<byte[]> seeds = List.of(framed, "ets Jun  8 2016\r\nwaiting for download\r\n".getBytes(),
                new byte[] {(byte) 0xC0, (byte) 0xDB, (byte) 0xDC, (byte) 0xC0}, new byte[] {(byte) 0xDB, (byte) 0xDB, (byte) 0xC0});
        int inputs = Fuzz.run("slip-decoder", 0x511B, seeds,
                List.of(new byte[] {(byte) 0xC0}, new byte[] {(byte) 0xDB}, new byte[] {(byte) 0xDB, (byte) 0xDC}, new byte[] {(byte) 0xDB, (byte) 0xDD}),
                Fuzz.Limits.DEFAULT, input -> {
                    Slip.Decoder d = new Slip.Decoder(64);
                    for (byte b : input) {
                        byte[] p = d.feed(b);
                        if (p != null) {
                            assertThat(p.length).isBetween(1, 64);
                            // what came out goes back in as the same packet
                            Slip.Decoder again = new Slip.Decoder(64);
                            List<byte[]> round = new ArrayList<>();
                            for (byte e : Slip.encode(p)) {
                                byte[] q = again.feed(e);
                                if (q != null) round.add(q);
                            }
                            assertThat(round).singleElement().isEqualTo(p);
                        }
                    }
                    // after any garbage, one closing C0 and a whole frame: the frame arrives
                    d.feed(Slip.END);
                    byte[] got = null;
                    for (byte b : framed) {
                        byte[] p = d.feed(b);
                        if (p != null) got = p;
                    }
                    assertThat(got).isEqualTo(known);
                });
        assertThat(inputs).isPositive();
    }
}
