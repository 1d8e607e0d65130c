package io.fieldflash.provision;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * The raw protocol on port 5609: one connection per command. Request {@code NAME\nLEN\n\nDATA} with LEN the
 * data's length in UTF-8 bytes (0 and no data when there is none), LF only; the answer is {@code \n\n} and the
 * JSON, and the device then closes the connection.
 */
public record TcpSoftApTransport(SoftApAddress address) implements SoftApTransport {

    public TcpSoftApTransport {
        if (address.transport() != SoftApAddress.Transport.TCP) throw new IllegalArgumentException("not a tcp:// address");
    }

    /** The request bytes for a command: the framing, apart from the commands. */
    public static byte[] frame(String command, String json) {
        byte[] data = json.getBytes(StandardCharsets.UTF_8);
        byte[] head = (command + "\n" + data.length + "\n\n").getBytes(StandardCharsets.US_ASCII);
        byte[] out = new byte[head.length + data.length];
        System.arraycopy(head, 0, out, 0, head.length);
        System.arraycopy(data, 0, out, head.length, data.length);
        return out;
    }

    /**
     * The JSON of a raw answer: it must start with the two line feeds; {@code ""} when the device sent nothing
     * after them (or nothing at all).
     */
    public static String unframe(String command, byte[] answer) throws ProvisionException {
        if (answer.length == 0) return "";
        if (answer.length < 2 || answer[0] != '\n' || answer[1] != '\n') {
            throw new ProvisionException(ProvisionException.Reason.MALFORMED,
                    "The device's answer to " + command + " does not start as the set-up protocol says (two line feeds).",
                    "Check that the address is a device in listening mode (blinking blue) on port 5609.");
        }
        return new String(answer, 2, answer.length - 2, StandardCharsets.UTF_8);
    }

    @Override
    public String exchange(String command, String json, Duration deadline) throws ProvisionException, InterruptedException {
        long end = System.nanoTime() + deadline.toNanos();
        try (Socket socket = new Socket()) {
            try {
                socket.connect(new InetSocketAddress(address.host(), address.port()), millisLeft(end, command));
            } catch (SocketTimeoutException e) {
                throw timeout(command, deadline);
            } catch (IOException e) {
                throw new ProvisionException(ProvisionException.Reason.UNREACHABLE,
                        "Cannot connect to the device at " + address + ": " + e.getMessage() + ".",
                        "Join the device's access point (Photon-XXXX) first and check the address; the raw protocol is on port 5609.", e);
            }
            socket.setTcpNoDelay(true);
            OutputStream out = socket.getOutputStream();
            out.write(frame(command, json));
            out.flush();
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream answer = new ByteArrayOutputStream();
            byte[] buf = new byte[4096];
            JsonEnd ends = new JsonEnd();
            while (true) {
                if (Thread.interrupted()) throw new InterruptedException();
                socket.setSoTimeout(millisLeft(end, command));
                int n;
                try {
                    n = in.read(buf);
                } catch (SocketTimeoutException e) {
                    throw timeout(command, deadline);
                }
                if (n < 0) break;
                if (answer.size() + n > MAX_REPLY_BYTES) {
                    throw new ProvisionException(ProvisionException.Reason.TOO_LARGE,
                            "The device's answer to " + command + " is larger than " + MAX_REPLY_BYTES + " bytes; no real answer is.",
                            "Check that the address is a device in listening mode.");
                }
                answer.write(buf, 0, n);
                // the device closes after answering; a complete JSON object is enough if it lingers
                if (ends.feed(buf, n)) break;
            }
            return unframe(command, answer.toByteArray());
        } catch (IOException e) {
            throw new ProvisionException(ProvisionException.Reason.NO_ANSWER,
                    "The connection to the device broke during " + command + ": " + e.getMessage() + ".",
                    "Stay joined to the device's access point and try again.", e);
        }
    }

    private static int millisLeft(long end, String command) throws ProvisionException {
        long left = (end - System.nanoTime()) / 1_000_000;
        if (left <= 0) throw timeout(command, null);
        return (int) Math.min(Integer.MAX_VALUE, left);
    }

    static ProvisionException timeout(String command, Duration deadline) {
        return new ProvisionException(ProvisionException.Reason.TIMEOUT,
                "The device did not answer " + command + (deadline == null ? " in time." : " within " + deadline.toSeconds() + " s."),
                "Check that this computer is still joined to the device's access point and that the device blinks blue, then try again.");
    }

    /** Notices when a JSON object after the leading line feeds has closed (strings and escapes respected). */
    static final class JsonEnd {
        private int depth;
        private boolean started;
        private boolean inString;
        private boolean escaped;

        boolean feed(byte[] b, int n) {
            for (int i = 0; i < n; i++) {
                byte c = b[i];
                if (inString) {
                    if (escaped) escaped = false;
                    else if (c == '\\') escaped = true;
                    else if (c == '"') inString = false;
                } else if (c == '"') {
                    inString = true;
                } else if (c == '{' || c == '[') {
                    depth++;
                    started = true;
                } else if (c == '}' || c == ']') {
                    depth--;
                    if (started && depth <= 0) return true;
                }
            }
            return false;
        }
    }
}
