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
import java.util.Locale;

/**
 * The same commands over HTTP on port 80: {@code GET /NAME} without data, {@code POST /NAME} with the JSON as the
 * body. The device answers 200 to every command it knows (chunked); a failure is only in the JSON.
 *
 * <p>HTTP/1.1 is spoken here over a plain socket, one connection per command ({@code Connection: close}), so
 * that every read has the exchange's deadline and the answer (status line, headers, body) a size cap.
 */
public record HttpSoftApTransport(SoftApAddress address) implements SoftApTransport {
    /** Largest status line plus headers taken. */
    static final int MAX_HEAD_BYTES = 16 * 1024;

    public HttpSoftApTransport {
        if (address.transport() != SoftApAddress.Transport.HTTP) throw new IllegalArgumentException("not an http:// address");
    }

    @Override
    public String exchange(String command, String json, Duration deadline) throws ProvisionException, InterruptedException {
        long end = System.nanoTime() + deadline.toNanos();
        String host = address.host().contains(":") ? "[" + address.host() + "]" : address.host();
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        String head = (json.isEmpty() ? "GET" : "POST") + " /" + command + " HTTP/1.1\r\n"
                + "Host: " + host + (address.port() == 80 ? "" : ":" + address.port()) + "\r\n"
                + "Connection: close\r\n"
                + (json.isEmpty() ? "" : "Content-Type: application/json\r\nContent-Length: " + body.length + "\r\n")
                + "\r\n";
        try (Socket socket = new Socket()) {
            try {
                socket.connect(new InetSocketAddress(address.host(), address.port()), millisLeft(end, command, deadline));
            } catch (SocketTimeoutException e) {
                throw TcpSoftApTransport.timeout(command, deadline);
            } catch (IOException e) {
                throw new ProvisionException(ProvisionException.Reason.UNREACHABLE,
                        "Cannot connect to the device at " + address + ": " + e.getMessage() + ".",
                        "Join the device's access point (Photon-XXXX) first and check the address; HTTP is on port 80.", e);
            }
            OutputStream out = socket.getOutputStream();
            out.write(head.getBytes(StandardCharsets.US_ASCII));
            out.write(body);
            out.flush();
            Reader in = new Reader(socket, socket.getInputStream(), end, command, deadline);
            String status = in.line();
            String[] parts = status.split(" ", 3);
            if (parts.length < 2 || !parts[0].startsWith("HTTP/1.")) {
                throw ParticleReply.malformed(command, "it is not an HTTP answer");
            }
            boolean chunked = false;
            long length = -1;
            for (String h = in.line(); !h.isEmpty(); h = in.line()) {
                int colon = h.indexOf(':');
                if (colon < 1) continue;
                String name = h.substring(0, colon).strip().toLowerCase(Locale.ROOT);
                String value = h.substring(colon + 1).strip();
                if (name.equals("transfer-encoding") && value.toLowerCase(Locale.ROOT).contains("chunked")) chunked = true;
                if (name.equals("content-length")) {
                    try {
                        length = Long.parseLong(value);
                    } catch (NumberFormatException e) {
                        throw ParticleReply.malformed(command, "its Content-Length is not a number");
                    }
                }
            }
            if (!parts[1].equals("200")) {
                throw new ProvisionException(ProvisionException.Reason.MALFORMED,
                        "The device answered " + command + " with HTTP status " + io.fieldflash.Printable.cut(parts[1], 8)
                                + " (a device in listening mode answers 200).",
                        "Check that the address is a device in listening mode (blinking blue); an older firmware may not serve "
                                + command + " over HTTP: try tcp://.");
            }
            ByteArrayOutputStream answer = new ByteArrayOutputStream();
            if (chunked) {
                while (true) {
                    String size = in.line();
                    int semi = size.indexOf(';');
                    long n;
                    try {
                        n = Long.parseLong((semi < 0 ? size : size.substring(0, semi)).strip(), 16);
                    } catch (NumberFormatException e) {
                        throw ParticleReply.malformed(command, "a chunk size is not hex");
                    }
                    if (n < 0 || answer.size() + n > MAX_REPLY_BYTES) throw tooLarge(command);
                    if (n == 0) break;
                    in.exactly((int) n, answer);
                    in.line();      // the CRLF after the chunk
                }
            } else if (length >= 0) {
                if (length > MAX_REPLY_BYTES) throw tooLarge(command);
                in.exactly((int) length, answer);
            } else {
                in.toEnd(answer);
            }
            return answer.toString(StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ProvisionException(ProvisionException.Reason.NO_ANSWER,
                    "The connection to the device broke during " + command + ": " + e.getMessage() + ".",
                    "Stay joined to the device's access point and try again.", e);
        }
    }

    private static ProvisionException tooLarge(String command) {
        return new ProvisionException(ProvisionException.Reason.TOO_LARGE,
                "The device's answer to " + command + " is larger than " + MAX_REPLY_BYTES + " bytes; no real answer is.",
                "Check that the address is a device in listening mode.");
    }

    private static int millisLeft(long end, String command, Duration deadline) throws ProvisionException {
        long left = (end - System.nanoTime()) / 1_000_000;
        if (left <= 0) throw TcpSoftApTransport.timeout(command, deadline);
        return (int) Math.min(Integer.MAX_VALUE, left);
    }

    /** Byte-wise reads, each under the exchange's deadline. */
    private static final class Reader {
        private final Socket socket;
        private final InputStream in;
        private final long end;
        private final String command;
        private final Duration deadline;
        private int headBytes;

        Reader(Socket socket, InputStream in, long end, String command, Duration deadline) {
            this.socket = socket;
            this.in = new java.io.BufferedInputStream(in, 4096);
            this.end = end;
            this.command = command;
            this.deadline = deadline;
        }

        private int read() throws IOException, ProvisionException, InterruptedException {
            if (Thread.interrupted()) throw new InterruptedException();
            socket.setSoTimeout(millisLeft(end, command, deadline));
            try {
                return in.read();
            } catch (SocketTimeoutException e) {
                throw TcpSoftApTransport.timeout(command, deadline);
            }
        }

        /** A line without its CR LF (or LF). */
        String line() throws IOException, ProvisionException, InterruptedException {
            StringBuilder b = new StringBuilder();
            while (true) {
                int c = read();
                if (c < 0) throw new ProvisionException(ProvisionException.Reason.NO_ANSWER,
                        "The device closed the connection in the middle of its answer to " + command + ".",
                        "Stay joined to the device's access point and try again.");
                if (++headBytes > MAX_HEAD_BYTES + MAX_REPLY_BYTES) throw tooLarge(command);
                if (c == '\n') break;
                if (b.length() >= MAX_HEAD_BYTES) throw tooLarge(command);
                b.append((char) c);
            }
            int n = b.length();
            if (n > 0 && b.charAt(n - 1) == '\r') b.setLength(n - 1);
            return b.toString();
        }

        void exactly(int n, ByteArrayOutputStream out) throws IOException, ProvisionException, InterruptedException {
            for (int i = 0; i < n; i++) {
                int c = read();
                if (c < 0) throw new ProvisionException(ProvisionException.Reason.NO_ANSWER,
                        "The device closed the connection in the middle of its answer to " + command + ".",
                        "Stay joined to the device's access point and try again.");
                out.write(c);
            }
        }

        void toEnd(ByteArrayOutputStream out) throws IOException, ProvisionException, InterruptedException {
            for (int c = read(); c >= 0; c = read()) {
                if (out.size() >= MAX_REPLY_BYTES) throw tooLarge(command);
                out.write(c);
            }
        }
    }
}
