package io.fieldflash.device.espota;

import io.fieldflash.Printable;
import io.fieldflash.device.DeviceException;
import io.fieldflash.device.DeviceException.Reason;
import io.fieldflash.device.ImageSource;
import io.fieldflash.device.StreamedTransfer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.function.LongConsumer;

/**
 * One espota transfer, as {@code espota.py} does it: a listener on the laptop, the invitation
 * {@code 0 <listener port> <size> <md5>\n} to the device's UDP port, {@code AUTH <nonce>} answered when the device has a
 * password, then the device connects to the listener and takes the image, sending back the count of each piece it wrote
 * (decimal digits, nothing between them), and {@code OK} or its error text at the end.
 *
 * <p>Every wait is bounded (see {@link EspOtaSettings}); whatever the device says is read bounded and escaped. A broken
 * stream is retryable, but from byte 0: the protocol has no way to continue.
 */
final class EspOtaTransfer implements StreamedTransfer {
    static final int FLASH = 0;
    static final int AUTH = 200;
    /** Largest device answer read (UDP answers and the text after the counts). */
    static final int MAX_TEXT = 512;
    private static final Duration SLICE = Duration.ofMillis(100);

    private final EspOtaDevice device;
    private final ImageSource image;
    private String md5;
    private EspOtaAuth lastScheme;     // the challenge the device sent last, null before any

    EspOtaTransfer(EspOtaDevice device, ImageSource image) {
        this.device = device;
        this.image = image;
    }

    @Override
    public ImageSource image() {
        return image;
    }

    @Override
    public void send(LongConsumer progress) throws DeviceException, IOException, InterruptedException {
        if (md5 == null) md5 = image.md5();
        InetAddress target = resolve();
        InetAddress local = device.localAddress() != null ? device.localAddress() : routeTo(target);
        try (ServerSocket listener = new ServerSocket()) {
            listener.bind(new InetSocketAddress(local, 0), 1);
            try (DatagramSocket udp = new DatagramSocket(new InetSocketAddress(local, 0))) {
                try {
                    invite(udp, target, listener.getLocalPort(), false);
                } catch (DeviceException e) {
                    // A 3.3.1 device given its password as an MD5 hash (setPasswordHash) runs the SHA-256 challenge over that
                    // hash: try it once, as espota.py does.
                    if (e.reason() != Reason.AUTH_FAILED || lastScheme != EspOtaAuth.SHA256) throw e;
                    invite(udp, target, listener.getLocalPort(), true);
                }
            }
            try (Socket s = acceptFrom(listener, target)) {
                stream(s, progress);
            }
        }
    }

    // ---- invitation --------------------------------------------------------------------------------------------

    private void invite(DatagramSocket udp, InetAddress target, int listenerPort, boolean md5Stored) throws DeviceException, InterruptedException, IOException {
        EspOtaSettings s = device.settings();
        String invitation = FLASH + " " + listenerPort + " " + image.size() + " " + md5 + "\n";
        String answer = null;
        for (int i = 0; i < s.invitationTries() && answer == null; i++) {
            send(udp, target, invitation);
            answer = receive(udp, target, s.answerTimeout());
        }
        if (answer == null) {
            throw new DeviceException(Reason.UNREACHABLE,
                    "The device at " + device.address() + " does not answer the update invitation (" + s.invitationTries()
                            + " tries, " + seconds(s.answerTimeout()) + " each).",
                    "Check that the laptop is joined to the device's network, that the device is powered and runs firmware with "
                            + "ArduinoOTA enabled, and the port (3232 on an ESP32, 8266 on an ESP8266). Then run the same command again.");
        }
        if (answer.startsWith("AUTH")) answer = authenticate(udp, target, answer, md5Stored);
        if (answer.equals("OK")) return;
        throw refusal(answer);
    }

    private String authenticate(DatagramSocket udp, InetAddress target, String challenge, boolean md5Stored) throws DeviceException, InterruptedException, IOException {
        String nonce = challenge.substring(4).trim();
        EspOtaAuth scheme = EspOtaAuth.forNonce(nonce).orElseThrow(() -> new DeviceException(Reason.PROTOCOL_ERROR,
                "The device at " + device.address() + " asked for a password with a challenge this client does not know (\""
                        + Printable.cut(challenge, 100) + "\").", "Report this to the device vendor with the device's framework version."));
        if (device.password().isEmpty()) {
            throw new DeviceException(Reason.AUTH_FAILED, "The device at " + device.address() + " wants an OTA password.",
                    "Give the device's OTA password (--password, or FIELDFLASH_PASSWORD) and run the same command again.");
        }
        String cnonce = scheme.clientNonce(image.name(), image.size(), md5, target.getHostAddress());
        lastScheme = scheme;
        String stored = md5Stored ? EspOtaAuth.MD5.passwordHash(device.password()) : scheme.passwordHash(device.password());
        String response = scheme.response(stored, nonce, cnonce);
        send(udp, target, AUTH + " " + cnonce + " " + response + "\n");
        // The ESP8266 answers only once it has prepared the update (OK or ERR); allow for that.
        String answer = receive(udp, target, device.settings().answerTimeout().multipliedBy(2));
        if (answer == null) {
            throw new DeviceException(Reason.UNREACHABLE, "The device at " + device.address() + " did not answer the password.",
                    "Run the same command again; if this repeats, restart the device.");
        }
        if (answer.contains("Authentication Failed")) {
            throw new DeviceException(Reason.AUTH_FAILED, "The device at " + device.address() + " refused the OTA password ("
                    + (scheme == EspOtaAuth.MD5 ? "MD5" : "SHA-256") + " challenge).",
                    "Check the password (the one set with ArduinoOTA.setPassword in the device's firmware) and try again.");
        }
        return answer;
    }

    /** The device's answer to an invitation that is neither OK nor AUTH: the ESP8266 says {@code ERR: <reason>}. */
    private DeviceException refusal(String answer) {
        String text = Printable.cut(answer, 200);
        boolean space = answer.contains("Space") || answer.contains("Size");
        return new DeviceException(space ? Reason.TOO_LARGE : Reason.INSTALL_REFUSED,
                "The device at " + device.address() + " refused the update: \"" + text + "\".",
                space ? "The image does not fit the device's update partition: check that the bundle is meant for this device "
                        + "(and its partition table)."
                      : "Restart the device and run the same command again; if it says the same, report it to the vendor.");
    }

    /** To the device's port, from this socket's: the port the device answers to. */
    private void send(DatagramSocket udp, InetAddress target, String text) throws IOException {
        byte[] b = text.getBytes(StandardCharsets.US_ASCII);
        udp.send(new DatagramPacket(b, b.length, target, device.port()));
    }

    private String receive(DatagramSocket udp, InetAddress target, Duration timeout) throws IOException, InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        byte[] buf = new byte[MAX_TEXT];
        while (true) {
            long left = end - System.nanoTime();
            if (left <= 0) return null;
            if (Thread.interrupted()) throw new InterruptedException("interrupted");
            udp.setSoTimeout((int) Math.max(1, Math.min(SLICE.toMillis(), left / 1_000_000)));
            DatagramPacket p = new DatagramPacket(buf, buf.length);
            try {
                udp.receive(p);
            } catch (SocketTimeoutException e) {
                continue;
            }
            if (!p.getAddress().equals(target)) continue;    // only the device's own answers count
            return new String(p.getData(), 0, p.getLength(), StandardCharsets.UTF_8).trim();
        }
    }

    // ---- the connection back -------------------------------------------------------------------------------------

    private Socket acceptFrom(ServerSocket listener, InetAddress target) throws DeviceException, IOException, InterruptedException {
        Duration wait = device.settings().connectBack();
        long end = System.nanoTime() + wait.toNanos();
        while (true) {
            long left = end - System.nanoTime();
            if (left <= 0) {
                throw new DeviceException(Reason.NO_CONNECTION_BACK,
                        "The device at " + device.address() + " accepted the update but did not connect back to this laptop (TCP port "
                                + listener.getLocalPort() + " on " + listener.getInetAddress().getHostAddress() + ") within "
                                + seconds(wait) + ". Either the laptop's firewall blocks connections coming in from the device, or "
                                + "the device (an ESP32) found the image too large for its update partition after saying yes.",
                        "Allow incoming TCP connections to FieldFlash (Java) from the device's network in the laptop's firewall "
                                + "(Windows: allow the app when asked, or add an inbound rule; macOS: allow incoming connections), "
                                + "then run the same command again. If the firewall is open, check that the bundle is meant for this "
                                + "device: its image may not fit.");
            }
            if (Thread.interrupted()) throw new InterruptedException("interrupted");
            listener.setSoTimeout((int) Math.max(1, Math.min(SLICE.toMillis(), left / 1_000_000)));
            Socket s;
            try {
                s = listener.accept();
            } catch (SocketTimeoutException e) {
                continue;
            }
            if (s.getInetAddress().equals(target)) return s;
            s.close();     // someone else: not the device
        }
    }

    /** What the device sent back: its counts, then its verdict. */
    private static final class Answers {
        final StringBuilder text = new StringBuilder();   // what followed the digits
        volatile boolean closed;
        volatile long lastHeard = System.nanoTime();

        synchronized void add(byte[] b, int n) {
            lastHeard = System.nanoTime();
            for (int i = 0; i < n; i++) {
                char c = (char) (b[i] & 0xff);
                if (text.isEmpty() && c >= '0' && c <= '9') continue;
                if (text.length() < MAX_TEXT) text.append(c);
            }
        }

        synchronized String text() {
            return text.toString().trim();
        }
    }

    private void stream(Socket s, LongConsumer progress) throws DeviceException, IOException, InterruptedException {
        EspOtaSettings set = device.settings();
        s.setTcpNoDelay(true);
        Answers answers = new Answers();
        long[] lastSent = {System.nanoTime()};
        boolean[] stalled = {false};
        Thread reader = Thread.ofVirtual().name("espota-answers").start(() -> {
            byte[] buf = new byte[256];
            try (InputStream in = s.getInputStream()) {
                for (int n; (n = in.read(buf)) >= 0; ) answers.add(buf, n);
            } catch (IOException e) {
                // the connection ended; the writer or the wait below reports why
            } finally {
                answers.closed = true;
            }
        });
        Thread owner = Thread.currentThread();
        Thread watchdog = Thread.ofVirtual().name("espota-watchdog").start(() -> {
            try {
                while (!answers.closed) {
                    Thread.sleep(SLICE);
                    if (owner.isInterrupted()) {     // stopped by its owner: a blocked write does not see interrupts
                        s.close();
                        return;
                    }
                    long quiet = System.nanoTime() - Math.max(lastSent[0], answers.lastHeard);
                    if (quiet > set.stallTimeout().toNanos()) {
                        stalled[0] = true;
                        s.close();
                        return;
                    }
                }
            } catch (InterruptedException | IOException e) {
                // stopped
            }
        });
        long sent = 0;
        try {
            OutputStream out = s.getOutputStream();
            try (InputStream img = image.open(0)) {
                byte[] buf = new byte[1460];
                while (sent < image.size()) {
                    if (Thread.currentThread().isInterrupted()) throw new InterruptedException("interrupted");
                    int n = img.read(buf, 0, (int) Math.min(buf.length, image.size() - sent));
                    if (n < 0) throw new IOException("the image ended early");
                    try {
                        out.write(buf, 0, n);
                    } catch (IOException e) {
                        if (Thread.currentThread().isInterrupted()) throw new InterruptedException("interrupted");
                        throw broken(answers, stalled[0], sent, e);
                    }
                    sent += n;
                    lastSent[0] = System.nanoTime();
                    progress.accept(n);
                }
                out.flush();
            }
            // The verdict: OK, or the device's error text, within the result timeout (the counts keep the stall clock going).
            long end = System.nanoTime() + set.resultTimeout().toNanos();
            while (true) {
                String t = answers.text();
                if (t.startsWith("OK")) return;
                if (!t.isEmpty() && !"OK".startsWith(t)) {
                    long more = System.nanoTime() + 1_000_000_000L;     // the rest of its text, until it closes
                    while (!answers.closed && System.nanoTime() < more) Thread.sleep(10);
                    throw deviceError(answers.text());
                }
                if (answers.closed) throw broken(answers, stalled[0], sent, null);
                if (System.nanoTime() > end) {
                    throw new DeviceException(Reason.UNREACHABLE, "The device at " + device.address() + " took all " + image.size()
                            + " bytes but gave no verdict within " + seconds(set.resultTimeout()) + ".",
                            "Check whether the device restarted into the new firmware; if not, run the same command again "
                                    + "(espota cannot resume: the image is sent again from the start).");
                }
                Thread.sleep(20);
            }
        } finally {
            s.close();
            watchdog.interrupt();
            reader.join(1000);
        }
    }

    /** The stream broke: the device's own words when it said any (an error before closing), else a retryable break. */
    private DeviceException broken(Answers answers, boolean stalled, long sent, IOException cause) throws InterruptedException {
        long end = System.nanoTime() + 500_000_000L;
        while (!answers.closed && System.nanoTime() < end) Thread.sleep(10);
        String t = answers.text();
        if (!t.isEmpty() && !t.startsWith("OK")) return deviceError(t);
        String what = stalled
                ? "stopped taking data for " + seconds(device.settings().stallTimeout()) + " after " + sent + " of " + image.size() + " bytes"
                : "closed the connection after " + sent + " of " + image.size() + " bytes";
        return new DeviceException(Reason.UNREACHABLE, "The device at " + device.address() + " " + what + ".",
                "espota cannot resume a broken transfer: FieldFlash starts it again from the first byte. Move the laptop closer to "
                        + "the device if this repeats.", cause);
    }

    private DeviceException deviceError(String text) {
        String shown = Printable.cut(text.replace('\n', ' ').trim(), 200);
        boolean md5Failed = text.contains("MD5");
        boolean magic = text.contains("Magic") || text.contains("magic");
        return new DeviceException(Reason.INSTALL_REFUSED, "The device at " + device.address() + " refused the image: \"" + shown + "\".",
                md5Failed ? "The image arrived damaged (its MD5 did not match). Run the same command again; move the laptop closer to "
                        + "the device if it repeats. The device still runs its old firmware."
                : magic ? "The device takes only ESP application images (first byte 0xE9): check that the bundle is meant for this "
                        + "device. It still runs its old firmware."
                : "The device still runs its old firmware. Restart it and run the same command again; if it says the same, "
                        + "report the text above to the vendor.");
    }

    // ---- helpers ---------------------------------------------------------------------------------------------------

    private InetAddress resolve() throws DeviceException {
        try {
            return InetAddress.getByName(device.host());
        } catch (UnknownHostException e) {
            throw new DeviceException(Reason.UNREACHABLE, "The device's address \"" + Printable.cut(device.host(), 100)
                    + "\" is not known to this laptop.", "Use the device's IP address, e.g. espota://192.168.4.1.", e);
        }
    }

    /** The laptop's address on the route to {@code target}: where the device can connect back to. */
    private static InetAddress routeTo(InetAddress target) throws IOException {
        try (DatagramSocket probe = new DatagramSocket()) {
            probe.connect(target, 9);     // a connect of UDP sends nothing: it only picks the route
            InetAddress a = probe.getLocalAddress();
            if (a == null || a.isAnyLocalAddress()) return target.isLoopbackAddress() ? target : InetAddress.getLocalHost();
            return a;
        }
    }

    private static String seconds(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
    }
}
