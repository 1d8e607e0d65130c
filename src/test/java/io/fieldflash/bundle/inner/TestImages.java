package io.fieldflash.bundle.inner;

import io.fieldflash.bundle.SigningKey;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.math.BigInteger;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.zip.CRC32;
import org.bouncycastle.crypto.params.ECPublicKeyParameters;
import org.bouncycastle.crypto.signers.StandardDSAEncoding;
import org.bouncycastle.crypto.util.PublicKeyFactory;

/** Small images built by the tests in the layouts esptool and espsecure write, for cases the vectors lack. */
final class TestImages {
    private TestImages() {}

    /**
     * An ESP application image: header, extended header when {@code chipId >= 0}, one segment per {@code data}
     * at made-up load addresses, zero padding, checksum and, when asked, the appended SHA-256.
     */
    static byte[] espApp(int chipId, boolean hashAppended, byte[]... segments) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(0xE9);
        out.write(segments.length);
        out.write(2);
        out.write(0x20);
        writeU32(out, 0x40080000L);
        if (chipId >= 0) {
            out.write(0xEE);
            out.writeBytes(new byte[3]);
            out.write(chipId & 0xff);
            out.write(chipId >> 8);
            out.writeBytes(new byte[9]);
            out.write(hashAppended ? 1 : 0);
        }
        int checksum = 0xEF;
        long addr = 0x3FFB0000L;
        for (byte[] data : segments) {
            writeU32(out, addr);
            writeU32(out, data.length);
            out.writeBytes(data);
            for (byte b : data) checksum ^= b & 0xff;
            addr += 0x1000;
        }
        while (out.size() % 16 != 15) out.write(0);
        out.write(checksum);
        if (hashAppended) out.writeBytes(sha256(out.toByteArray()));
        return out.toByteArray();
    }

    /** {@code image} padded with 0xFF to 4 KiB plus {@code extraSectors} more 0xFF sectors: a signed area. */
    static byte[] padded(byte[] image, int extraSectors) {
        int length = (image.length + 4095) / 4096 * 4096 + 4096 * extraSectors;
        byte[] out = Arrays.copyOf(image, length);
        Arrays.fill(out, image.length, length, (byte) 0xFF);
        return out;
    }

    /** {@code signedArea} followed by a signature sector with one ECDSA-P256 Secure Boot V2 block per key. */
    static byte[] sbv2Ecdsa(byte[] signedArea, SigningKey... keys) {
        byte[] digest = sha256(signedArea);
        byte[] sector = new byte[4096];
        Arrays.fill(sector, (byte) 0xFF);
        for (int i = 0; i < keys.length; i++) {
            byte[] block = new byte[1216];
            block[0] = (byte) 0xE7;
            block[1] = 0x03;
            System.arraycopy(digest, 0, block, 4, 32);
            try {
                ECPublicKeyParameters pub = (ECPublicKeyParameters) PublicKeyFactory.createKey(keys[i].publicKey().spki());
                block[36] = 2;
                putLe(block, 37, pub.getQ().normalize().getAffineXCoord().toBigInteger());
                putLe(block, 69, pub.getQ().normalize().getAffineYCoord().toBigInteger());
                BigInteger[] rs = StandardDSAEncoding.INSTANCE.decode(pub.getParameters().getN(), keys[i].sign(signedArea));
                putLe(block, 101, rs[0]);
                putLe(block, 133, rs[1]);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
            CRC32 crc = new CRC32();
            crc.update(block, 0, 1196);
            long c = crc.getValue();
            for (int b = 0; b < 4; b++) block[1196 + b] = (byte) (c >>> (8 * b));
            System.arraycopy(block, 0, sector, i * 1216, 1216);
        }
        byte[] out = Arrays.copyOf(signedArea, signedArea.length + 4096);
        System.arraycopy(sector, 0, out, signedArea.length, 4096);
        return out;
    }

    private static void putLe(byte[] out, int off, BigInteger v) {
        byte[] be = v.toByteArray();
        for (int i = 0; i < 32 && i < be.length; i++) out[off + i] = be[be.length - 1 - i];
    }

    private static void writeU32(ByteArrayOutputStream out, long v) {
        for (int i = 0; i < 4; i++) out.write((int) (v >>> (8 * i)) & 0xff);
    }

    static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A copy of {@code b} with {@code value} written at {@code off}. */
    static byte[] with(byte[] b, int off, int... value) {
        byte[] out = b.clone();
        for (int i = 0; i < value.length; i++) out[off + i] = (byte) value[i];
        return out;
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
