package io.fieldflash.device.http;

import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.HexFormat;
import java.util.Locale;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Trust in exactly one device certificate, named by the SHA-256 of its DER bytes (from the device's label or the
 * vendor's records), instead of a certificate authority: what a device with its own self-signed certificate needs.
 * The certificate's names and dates are not checked: the fingerprint is the identity.
 */
final class PinnedCertificate extends X509ExtendedTrustManager {
    private final byte[] pin;

    private PinnedCertificate(byte[] pin) {
        this.pin = pin;
    }

    /**
     * @param fingerprint 64 hex digits, upper or lower case, optionally separated by colons
     * @throws IllegalArgumentException when it is not a SHA-256 fingerprint
     */
    static byte[] parse(String fingerprint) {
        String hex = fingerprint.strip().replace(":", "").toLowerCase(Locale.ROOT);
        if (!hex.matches("[0-9a-f]{64}")) {
            throw new IllegalArgumentException("a certificate fingerprint is 64 hex digits (SHA-256), optionally with colons");
        }
        return HexFormat.of().parseHex(hex);
    }

    static SSLContext context(byte[] pin) {
        try {
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, new TrustManager[] {new PinnedCertificate(pin.clone())}, new SecureRandom());
            return ctx;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("TLS is not available", e);
        }
    }

    private void check(X509Certificate[] chain) throws CertificateException {
        if (chain == null || chain.length == 0) throw new CertificateException("the device sent no certificate");
        byte[] actual;
        try {
            actual = MessageDigest.getInstance("SHA-256").digest(chain[0].getEncoded());
        } catch (GeneralSecurityException e) {
            throw new CertificateException(e);
        }
        if (!MessageDigest.isEqual(actual, pin)) {
            throw new CertificateException("the device's certificate has SHA-256 fingerprint " + HexFormat.of().formatHex(actual)
                    + ", not the pinned " + HexFormat.of().formatHex(pin));
        }
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        check(chain);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        check(chain);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        check(chain);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        throw new CertificateException("not a server");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        throw new CertificateException("not a server");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        throw new CertificateException("not a server");
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return new X509Certificate[0];
    }
}
