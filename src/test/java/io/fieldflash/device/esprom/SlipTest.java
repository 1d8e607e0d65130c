package io.fieldflash.device.esprom;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SlipTest {

    private static List<byte[]> decode(Slip.Decoder d, byte[] stream) {
        List<byte[]> out = new ArrayList<>();
        for (byte b : stream) {
            byte[] p = d.feed(b);
            if (p != null) out.add(p);
        }
        return out;
    }

    private static byte[] bytes(int... v) {
        byte[] b = new byte[v.length];
        for (int i = 0; i < v.length; i++) b[i] = (byte) v[i];
        return b;
    }

    @Test
    void escapesTheFrameAndEscapeBytes() {
        assertThat(Slip.encode(bytes(0x01, 0xC0, 0x02, 0xDB, 0x03)))
                .containsExactly(bytes(0xC0, 0x01, 0xDB, 0xDC, 0x02, 0xDB, 0xDD, 0x03, 0xC0));
    }

    @Test
    void everyByteValueSurvivesTheRoundTrip() {
        byte[] all = new byte[256];
        for (int i = 0; i < 256; i++) all[i] = (byte) i;
        List<byte[]> got = decode(new Slip.Decoder(1024), Slip.encode(all));
        assertThat(got).hasSize(1);
        assertThat(got.get(0)).containsExactly(all);
    }

    @Test
    void skipsBootTextAndFindsThePacketAfterIt() {
        byte[] text = "ets Jun  8 2016 00:22:57\r\nwaiting for download\r\n".getBytes();
        byte[] framed = Slip.encode(bytes(1, 8, 0, 0));
        byte[] stream = new byte[text.length + framed.length];
        System.arraycopy(text, 0, stream, 0, text.length);
        System.arraycopy(framed, 0, stream, text.length, framed.length);
        Slip.Decoder d = new Slip.Decoder(64);
        assertThat(decode(d, stream)).singleElement().satisfies(p -> assertThat(p).containsExactly(1, 8, 0, 0));
        assertThat(d.skipped()).isEqualTo(text.length);
    }

    @Test
    void backToBackFramesAreTwoPacketsNotAnEmptyOne() {
        byte[] a = Slip.encode(bytes(1, 2));
        byte[] b = Slip.encode(bytes(3, 4));
        byte[] stream = new byte[a.length + b.length];
        System.arraycopy(a, 0, stream, 0, a.length);
        System.arraycopy(b, 0, stream, a.length, b.length);
        assertThat(decode(new Slip.Decoder(64), stream)).hasSize(2);
    }

    @Test
    void aBadEscapeDropsThatPacketOnlyAndTheNextOneArrives() {
        byte[] stream = bytes(0xC0, 1, 0xDB, 0x00, 2, 0xC0, 0xC0, 7, 7, 0xC0);
        Slip.Decoder d = new Slip.Decoder(64);
        List<byte[]> got = decode(d, stream);
        assertThat(got).singleElement().satisfies(p -> assertThat(p).containsExactly(7, 7));
        assertThat(d.dropped()).isEqualTo(1);
    }

    @Test
    void aPacketLongerThanTheLimitIsDropped() {
        Slip.Decoder d = new Slip.Decoder(4);
        assertThat(decode(d, Slip.encode(bytes(1, 2, 3, 4, 5)))).isEmpty();
        assertThat(d.dropped()).isEqualTo(1);
        assertThat(decode(d, Slip.encode(bytes(1, 2, 3, 4)))).hasSize(1);
    }

    @Test
    void checksumStartsAtEfAndXorsEveryByte() {
        assertThat(RomCommand.checksum(new byte[0], 0, 0)).isEqualTo(0xEF);
        assertThat(RomCommand.checksum(bytes(0xEF), 0, 1)).isZero();
        assertThat(RomCommand.checksum(bytes(0x01, 0x02, 0x04), 0, 3)).isEqualTo(0xEF ^ 0x07);
    }

    @Test
    void esp8266EraseSizeIsEsptoolsWorkaround() {
        // inside one 64 KiB block: half the sectors (rounded up), since the ROM erases twice what it is told
        assertThat(EspRomClient.esp8266EraseSize(0x10000, 4 * 4096)).isEqualTo(2 * 4096);
        assertThat(EspRomClient.esp8266EraseSize(0x10000, 5 * 4096)).isEqualTo(3 * 4096);
        // across a boundary: the sectors up to the boundary are counted twice by the ROM
        assertThat(EspRomClient.esp8266EraseSize(0x1D000, 6 * 4096)).isEqualTo(3 * 4096);
        assertThat(EspRomClient.esp8266EraseSize(0x1D000, 40 * 4096)).isEqualTo(37 * 4096);
        assertThat(EspRomClient.esp8266EraseSize(0, 0)).isZero();
    }

    @Test
    void macsDecodeAsEsptoolReadsThem() {
        // ESP32: eFuse word 2 (CRC byte, MAC bytes 0-1) then word 1
        assertThat(Chip.macText(Chip.ESP32.macFrom(new int[] {0x00AB240A, 0xC4123456}))).isEqualTo("24:0a:c4:12:34:56");
        assertThat(Chip.macText(Chip.ESP32S3.macFrom(new int[] {0xA1123456, 0x7CDF}))).isEqualTo("7c:df:a1:12:34:56");
        // ESP8266: OUI from the selector in MAC1 when MAC3 is 0
        assertThat(Chip.macText(Chip.ESP8266.macFrom(new int[] {0x56000000, 0x00001234, 0}))).isEqualTo("18:fe:34:12:34:56");
        assertThat(Chip.macText(Chip.ESP8266.macFrom(new int[] {0x56000000, 0x00011234, 0}))).isEqualTo("ac:d0:74:12:34:56");
    }

    @Test
    void flashSizeFromTheJedecCapacityCode() {
        assertThat(EspRomClient.flashSizeOf(0x1640EF)).isEqualTo(4L << 20);
        assertThat(EspRomClient.flashSizeOf(0x1840C8)).isEqualTo(16L << 20);
        assertThat(EspRomClient.flashSizeOf(0xFFFFFF)).isZero();
    }
}
