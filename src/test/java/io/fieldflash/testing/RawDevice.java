package io.fieldflash.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * A device that writes raw bytes on the wire: a plain socket server on 127.0.0.1 that reads each request's head
 * (and its body, by Content-Length) and hands the connection to a test, which may answer anything: a malformed
 * status line, a body trickled a byte at a time, an endless body.
 */
public final class RawDevice implements AutoCloseable {

    /** Answers one request; {@code requestHead} is the request line and headers as text. */
    @FunctionalInterface
    public interface Answer {
        void write(String requestHead, OutputStream out) throws IOException, InterruptedException;
    }

    private final ServerSocket server;
    private final Thread acceptor;

    private RawDevice(Answer answer) throws IOException {
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        acceptor = Thread.ofVirtual().name("raw-device").start(() -> {
            while (!server.isClosed()) {
                Socket s;
                try {
                    s = server.accept();
                } catch (IOException e) {
                    return;
                }
                Thread.ofVirtual().start(() -> serve(s, answer));
            }
        });
    }

    public static RawDevice start(Answer answer) throws IOException {
        return new RawDevice(answer);
    }

    public URI address() {
        return URI.create("http://127.0.0.1:" + server.getLocalPort());
    }

    private static void serve(Socket s, Answer answer) {
        try (s) {
            s.setSoTimeout(30_000);
            InputStream in = s.getInputStream();
            String head = readHead(in);
            if (head == null) return;
            for (String line : head.split("\r\n")) {
                String l = line.toLowerCase(Locale.ROOT);
                if (l.startsWith("content-length:")) in.readNBytes(Integer.parseInt(l.substring(15).trim()));
            }
            answer.write(head, s.getOutputStream());
            s.getOutputStream().flush();
        } catch (IOException | InterruptedException | RuntimeException e) {
            // the client went away, or the test's answer ended the connection
        }
    }

    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int state = 0;
        while (state < 4) {
            int c = in.read();
            if (c < 0) return null;
            b.write(c);
            state = (c == '\r' && (state == 0 || state == 2)) || (c == '\n' && (state == 1 || state == 3)) ? state + 1 : 0;
            if (b.size() > 64 * 1024) return null;
        }
        return b.toString(StandardCharsets.ISO_8859_1);
    }

    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException e) {
            // closing anyway
        }
        acceptor.interrupt();
    }
}
