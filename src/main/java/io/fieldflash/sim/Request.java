package io.fieldflash.sim;

import com.fasterxml.jackson.databind.JsonNode;
import io.fieldflash.bundle.Json;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;

/** One HTTP/1.1 request as read off a connection: request line, headers, and its body as a stream. */
public final class Request {
    static final int MAX_LINE = 8 * 1024;
    static final int MAX_HEADER_BYTES = 64 * 1024;
    static final int MAX_HEADERS = 100;
    /** Trailer lines after a chunked body: counted against the same limits as the headers. */
    static final int MAX_TRAILERS = 32;

    private static final java.util.regex.Pattern METHOD = java.util.regex.Pattern.compile("[A-Z]{1,16}");
    private static final java.util.regex.Pattern TARGET = java.util.regex.Pattern.compile("/[\\x21-\\x7e]{0,4095}");
    private static final java.util.regex.Pattern TOKEN = java.util.regex.Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]{1,128}");
    /** A header value: visible ASCII, space, tab and (as obsolete text) bytes 0x80–0xFF; no other control character. */
    private static final java.util.regex.Pattern FIELD_VALUE = java.util.regex.Pattern.compile("[\\t\\x20-\\x7e\\x80-\\xff]*");
    private static final java.util.regex.Pattern CHUNK_SIZE = java.util.regex.Pattern.compile("[0-9A-Fa-f]{1,15}");

    /** The request did not arrive whole within its deadline; answered with {@code 408} when possible. */
    static final class Timeout extends SocketTimeoutException {
        Timeout(String message) {
            super(message);
        }
    }

    /** A request that cannot be parsed; answered with {@code status} and the connection closed. */
    static final class Malformed extends IOException {
        final int status;

        Malformed(int status, String message) {
            super(message);
            this.status = status;
        }
    }

    private final String method;
    private final String path;
    private final String target;
    private final boolean keepAlive;
    private final Map<String, List<String>> headers;
    private final Body body;
    private final Runnable cut;

    private Request(String method, String target, boolean keepAlive, Map<String, List<String>> headers, Body body, Runnable cut) {
        this.cut = cut;
        this.method = method;
        this.target = target;
        int q = target.indexOf('?');
        this.path = q < 0 ? target : target.substring(0, q);
        this.keepAlive = keepAlive;
        this.headers = headers;
        this.body = body;
    }

    /** The method; with {@code X-HTTP-Method-Override} (tus), the method that header names. */
    public String method() {
        return method;
    }

    /** The path without the query. */
    public String path() {
        return path;
    }

    public String target() {
        return target;
    }

    boolean keepAlive() {
        return keepAlive;
    }

    public Optional<String> header(String name) {
        List<String> v = headers.get(name);
        return v == null || v.isEmpty() ? Optional.empty() : Optional.of(v.getFirst().strip());
    }

    /** The body; reading past its end returns -1, and a connection that ends early throws EOFException. */
    public InputStream body() {
        return body;
    }

    /** The declared {@code Content-Length}, or -1 for a chunked body. */
    public long contentLength() {
        return body.declaredLength();
    }

    /** True when the whole body has been read (so the connection can carry the next request). */
    boolean bodyFinished() {
        return body.finished();
    }

    /** Cuts this request's connection at once (TCP reset), e.g. to take over from a stale upload connection. */
    void cutConnection() {
        cut.run();
    }

    /**
     * Reads and discards what is left of a body of at most {@code max} bytes, so that the connection can carry the
     * next request; false when that is not possible (a large or chunked rest, a client still waiting for
     * {@code 100 Continue}, or a broken connection), and the connection must close instead.
     */
    boolean finishBody(long max) {
        if (body.finished()) return true;
        if (!body.mayDrain() || body.declaredLength() < 0 || body.declaredLength() > max) return false;
        try {
            body.transferTo(java.io.OutputStream.nullOutputStream());
            return body.finished();
        } catch (IOException e) {
            return false;
        }
    }

    /** Reads all of a small body, refusing more than {@code max} bytes. */
    byte[] readSmallBody(int max) throws IOException {
        if (contentLength() > max) throw new Malformed(413, "the request body is larger than " + max + " bytes");
        byte[] bytes = body.readNBytes(max + 1);
        if (bytes.length > max) throw new Malformed(413, "the request body is larger than " + max + " bytes");
        return bytes;
    }

    /**
     * A request body as JSON, decoded strictly as UTF-8 first: given the raw bytes, Jackson guesses UTF-16 or UTF-32
     * from the first ones (a body starting {@code 7b 00 00 00} reads as UTF-32) and fails with an I/O error rather
     * than a parse error. Every JSON body the simulator reads goes through here, so each such body gets a 400.
     *
     * @return empty when the body is not UTF-8 JSON
     */
    static Optional<JsonNode> json(byte[] body) {
        try {
            String text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(body)).toString();
            return Optional.ofNullable(Json.MAPPER.readTree(text));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /**
     * Reads the next request's head from {@code in}; null when the client closed the connection (or stayed
     * idle past the socket timeout) before starting one. {@code out} is only used for {@code 100 Continue};
     * {@code cut} resets the connection.
     */
    static Request read(InputStream in, OutputStream out, Pacer pacer, AtomicLong bodyBytes, Runnable cut) throws IOException {
        String line;
        try {
            line = readLine(in, true);
            if (line != null && line.isEmpty()) line = readLine(in, true);   // one stray CRLF is allowed before a request
        } catch (SocketTimeoutException e) {
            if (e instanceof Timeout) throw e;
            return null;   // idle on a kept-alive connection
        }
        if (line == null) return null;
        String[] parts = line.split(" ", -1);
        if (parts.length != 3 || !METHOD.matcher(parts[0]).matches() || !TARGET.matcher(parts[1]).matches()) {
            throw new Malformed(400, "the request line is not 'METHOD TARGET HTTP/1.1' (a method in capitals, a target of printable ASCII)");
        }
        String version = parts[2];
        if (!version.equals("HTTP/1.1") && !version.equals("HTTP/1.0")) {
            throw new Malformed(version.matches("HTTP/\\d\\.\\d") ? 505 : 400, "only HTTP/1.1 is spoken here");
        }
        Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        int total = 0, count = 0;
        while (true) {
            String h = readLine(in, false);
            if (h == null) throw new EOFException("the connection ended inside the request headers");
            if (h.isEmpty()) break;
            total += h.length();
            if (++count > MAX_HEADERS || total > MAX_HEADER_BYTES) throw new Malformed(431, "too many or too large request headers");
            int colon = h.indexOf(':');
            if (colon <= 0 || !TOKEN.matcher(h.substring(0, colon)).matches()) {
                throw new Malformed(400, "a header line is not 'Name: value'");
            }
            if (!FIELD_VALUE.matcher(h).region(colon + 1, h.length()).matches()) {
                throw new Malformed(400, "a header value holds a control character");
            }
            headers.computeIfAbsent(h.substring(0, colon), k -> new ArrayList<>()).add(h.substring(colon + 1).strip());
        }
        String method = parts[0];
        List<String> override = headers.get("X-HTTP-Method-Override");
        if (override != null && !override.isEmpty() && !override.getFirst().isBlank()) {
            method = override.getFirst().strip().toUpperCase(Locale.ROOT);   // tus: the server MUST honour it
            if (!METHOD.matcher(method).matches()) throw new Malformed(400, "X-HTTP-Method-Override does not name a method");
        }
        String connection = headers.getOrDefault("Connection", List.of()).toString().toLowerCase(Locale.ROOT);
        boolean keepAlive = version.equals("HTTP/1.1") ? !connection.contains("close") : connection.contains("keep-alive");

        List<String> te = headers.get("Transfer-Encoding");
        List<String> cl = headers.get("Content-Length");
        boolean expectContinue = version.equals("HTTP/1.1")
                && headers.getOrDefault("Expect", List.of()).stream().anyMatch(v -> v.equalsIgnoreCase("100-continue"));
        Runnable sendContinue = expectContinue ? () -> {
            try {
                out.write("HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
            } catch (IOException e) {
                // the body read that follows fails on the same broken connection
            }
        } : null;
        Body body;
        if (te != null) {
            if (cl != null) throw new Malformed(400, "a request must not carry both Transfer-Encoding and Content-Length");
            String codings = String.join(",", te).toLowerCase(Locale.ROOT).strip();
            if (!codings.equals("chunked")) throw new Malformed(501, "only the 'chunked' transfer coding is understood");
            body = new ChunkedBody(in, pacer, bodyBytes, sendContinue);
        } else if (cl != null) {
            long n = -1;
            for (String v : cl) {
                long m;
                try {
                    if (!v.matches("\\d{1,18}")) throw new NumberFormatException();
                    m = Long.parseLong(v);
                } catch (NumberFormatException e) {
                    throw new Malformed(400, "Content-Length is not a number of bytes");
                }
                if (n >= 0 && m != n) throw new Malformed(400, "two different Content-Length values");
                n = m;
            }
            body = new FixedBody(in, n, pacer, bodyBytes, sendContinue);
        } else {
            body = new FixedBody(in, 0, pacer, bodyBytes, null);
        }
        return new Request(method, parts[1], keepAlive, headers, body, cut);
    }

    /** A line without its CRLF (or bare LF); null on EOF before any byte when {@code eofOk}. */
    private static String readLine(InputStream in, boolean eofOk) throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream(128);
        while (true) {
            int b = in.read();
            if (b < 0) {
                if (buf.size() == 0 && eofOk) return null;
                throw new EOFException("the connection ended inside a line");
            }
            if (b == '\n') break;
            buf.write(b);
            if (buf.size() > MAX_LINE) throw new Malformed(431, "a request line or header is longer than " + MAX_LINE + " bytes");
        }
        byte[] bytes = buf.toByteArray();
        int len = bytes.length;
        if (len > 0 && bytes[len - 1] == '\r') len--;
        return new String(bytes, 0, len, StandardCharsets.ISO_8859_1);
    }

    /** A request body: paced by the device's bandwidth, counted, and {@code 100 Continue} sent before the first read. */
    abstract static sealed class Body extends InputStream permits FixedBody, ChunkedBody {
        final InputStream in;
        final Pacer.Session pace;
        final AtomicLong counter;
        private Runnable beforeFirstRead;

        Body(InputStream in, Pacer pacer, AtomicLong counter, Runnable beforeFirstRead) {
            this.in = in;
            this.pace = pacer.session();
            this.counter = counter;
            this.beforeFirstRead = beforeFirstRead;
        }

        abstract long declaredLength();

        abstract boolean finished();

        /** False while the client waits for {@code 100 Continue} before sending: draining would only wait. */
        boolean mayDrain() {
            return beforeFirstRead == null;
        }

        void started() {
            if (beforeFirstRead != null) {
                Runnable r = beforeFirstRead;
                beforeFirstRead = null;
                r.run();
            }
        }

        int readRaw(byte[] b, int off, int len) throws IOException {
            int n = in.read(b, off, pace.slice(len));
            if (n > 0) {
                counter.addAndGet(n);
                pace.received(n);
            }
            return n;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }
    }

    static final class FixedBody extends Body {
        private final long length;
        private long remaining;

        FixedBody(InputStream in, long length, Pacer pacer, AtomicLong counter, Runnable beforeFirstRead) {
            super(in, pacer, counter, beforeFirstRead);
            this.length = length;
            this.remaining = length;
        }

        @Override
        long declaredLength() {
            return length;
        }

        @Override
        boolean finished() {
            return remaining == 0;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (remaining == 0) return -1;
            if (len == 0) return 0;
            started();
            int n = readRaw(b, off, (int) Math.min(len, remaining));
            if (n < 0) throw new EOFException("the connection ended after " + (length - remaining) + " of " + length + " body bytes");
            remaining -= n;
            return n;
        }
    }

    static final class ChunkedBody extends Body {
        private long chunkLeft;
        private boolean done;

        ChunkedBody(InputStream in, Pacer pacer, AtomicLong counter, Runnable beforeFirstRead) {
            super(in, pacer, counter, beforeFirstRead);
        }

        @Override
        long declaredLength() {
            return -1;
        }

        @Override
        boolean finished() {
            return done;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (done) return -1;
            if (len == 0) return 0;
            started();
            if (chunkLeft == 0) {
                String size = readLine(in, false);
                int semi = size.indexOf(';');
                String hex = (semi < 0 ? size : size.substring(0, semi)).strip();
                if (!CHUNK_SIZE.matcher(hex).matches()) throw new Malformed(400, "a chunk size is not 1 to 15 hexadecimal digits");
                chunkLeft = Long.parseLong(hex, 16);
                if (chunkLeft == 0) {
                    int lines = 0, bytes = 0;
                    for (String trailer = readLine(in, false); !trailer.isEmpty(); trailer = readLine(in, false)) {
                        bytes += trailer.length();
                        if (++lines > MAX_TRAILERS || bytes > MAX_HEADER_BYTES) {
                            throw new Malformed(431, "more than " + MAX_TRAILERS + " trailer lines after the chunked body");
                        }
                    }
                    done = true;
                    return -1;
                }
            }
            int n = readRaw(b, off, (int) Math.min(len, chunkLeft));
            if (n < 0) throw new EOFException("the connection ended inside a chunk");
            chunkLeft -= n;
            if (chunkLeft == 0 && !readLine(in, false).isEmpty()) throw new Malformed(400, "a chunk does not end with CRLF");
            return n;
        }
    }
}
