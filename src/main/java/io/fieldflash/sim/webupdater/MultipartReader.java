package io.fieldflash.sim.webupdater;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A {@code multipart/form-data} body read as it arrives, as the devices' web servers do: part headers, then the part's
 * bytes up to the next delimiter, never more than a line in memory. A body that ends before its closing delimiter
 * throws {@link EOFException}: the upload broke off.
 */
public final class MultipartReader {
    private static final int MAX_LINE = 1024;
    private static final int MAX_HEADER_LINES = 16;
    private static final Pattern BOUNDARY = Pattern.compile("(?i)boundary=\"?([^\";]{1,70})\"?");
    private static final Pattern NAME = Pattern.compile("(?i);\\s*name=\"([^\"]*)\"");
    private static final Pattern FILENAME = Pattern.compile("(?i);\\s*filename=\"([^\"]*)\"");

    /** One part's headers: its field name and, for a file, its file name (empty for a plain field). */
    public record Part(String name, String filename) {
        public boolean isFile() {
            return !filename.isEmpty();
        }
    }

    private final InputStream in;
    private final byte[] delimiter;
    private boolean started;
    private boolean inPart;
    private boolean finished;
    private int matched;        // bytes of the delimiter matched and not yet handed out
    private int pending = -1;   // a byte read past a failed match, to look at again

    /** @param boundary the boundary from the request's {@code Content-Type} */
    public MultipartReader(InputStream in, String boundary) {
        this.in = in;
        this.delimiter = ("\r\n--" + boundary).getBytes(StandardCharsets.ISO_8859_1);
    }

    /** The boundary named by a {@code multipart/form-data} content type. */
    public static Optional<String> boundary(String contentType) {
        if (!contentType.toLowerCase(Locale.ROOT).startsWith("multipart/form-data")) return Optional.empty();
        Matcher m = BOUNDARY.matcher(contentType);
        return m.find() ? Optional.of(m.group(1)) : Optional.empty();
    }

    /** The next part, after skipping what is left of the current one; empty after the closing delimiter. */
    public Optional<Part> next() throws IOException {
        if (finished) return Optional.empty();
        if (!started) {
            started = true;
            // The first delimiter may come without its leading CRLF.
            String first = line();
            while (!first.equals("--" + boundaryText()) && !first.equals("--" + boundaryText() + "--")) first = line();
            if (first.endsWith("--") && !first.equals("--" + boundaryText())) {
                finished = true;
                return Optional.empty();
            }
        } else {
            if (inPart) {
                byte[] skip = new byte[8192];
                while (read(skip, 0, skip.length) >= 0) {
                    // drain the rest of the part
                }
            }
            int a = mustRead(), b = mustRead();
            if (a == '-' && b == '-') {
                finished = true;
                return Optional.empty();
            }
            if (a != '\r' || b != '\n') throw new IOException("a multipart delimiter is not followed by CRLF");
        }
        String name = "", filename = "";
        for (int i = 0; ; i++) {
            String h = line();
            if (h.isEmpty()) break;
            if (i >= MAX_HEADER_LINES) throw new IOException("too many part headers");
            if (h.toLowerCase(Locale.ROOT).startsWith("content-disposition:")) {
                Matcher n = NAME.matcher(h);
                if (n.find()) name = n.group(1);
                Matcher f = FILENAME.matcher(h);
                if (f.find()) filename = f.group(1);
            }
        }
        inPart = true;
        matched = 0;
        pending = -1;
        return Optional.of(new Part(name, filename));
    }

    /** The current part's bytes; -1 at its end. */
    public int read(byte[] b, int off, int len) throws IOException {
        if (!inPart) return -1;
        int n = 0;
        while (n < len) {
            if (matched > 0 && pending == -2) {
                // hand out the bytes of a failed partial match, one by one
                b[off + n++] = delimiter[replay++];
                if (replay == matched) {
                    matched = 0;
                    pending = saved;
                }
                continue;
            }
            int c = pending >= 0 ? pending : in.read();
            pending = -1;
            if (c < 0) throw new EOFException("the upload ended inside a part");
            if (c == (delimiter[matched] & 0xff)) {
                matched++;
                if (matched == delimiter.length) {
                    inPart = false;
                    matched = 0;
                    return n == 0 ? -1 : n;
                }
                continue;
            }
            if (matched > 0) {
                // The delimiter's only CR is its first byte, so a failed match restarts at this byte.
                replay = 0;
                saved = c;
                pending = -2;
                continue;
            }
            b[off + n++] = (byte) c;
            if (n > 0 && in.available() == 0) break;
        }
        return n;
    }

    private int replay;
    private int saved;

    private String boundaryText() {
        return new String(delimiter, 4, delimiter.length - 4, StandardCharsets.ISO_8859_1);
    }

    private int mustRead() throws IOException {
        int c = in.read();
        if (c < 0) throw new EOFException("the upload ended inside the multipart body");
        return c;
    }

    private String line() throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        while (true) {
            int c = mustRead();
            if (c == '\n') break;
            if (buf.size() >= MAX_LINE) throw new IOException("a multipart line is longer than " + MAX_LINE + " bytes");
            buf.write(c);
        }
        String s = buf.toString(StandardCharsets.ISO_8859_1);
        return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
    }
}
