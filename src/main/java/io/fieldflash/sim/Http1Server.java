package io.fieldflash.sim;

import io.fieldflash.Printable;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A small HTTP/1.1 server over a {@link ServerSocket}, one virtual thread per connection.
 *
 * <p>Why not {@code com.sun.net.httpserver}: the simulator's faults need control below HTTP. A dropped link
 * must cut a connection in the middle of a request body (with a TCP reset), bandwidth must be paced as the
 * body is read, and a rebooting device must refuse connections outright, which only a closed listening socket
 * gives. The JDK server buffers and owns the socket, so none of that can be done honestly through it. This
 * server reads exactly what a handler asks for, when it asks, and lets the handler abort the connection.
 *
 * <p>Supported: keep-alive, {@code Content-Length} and chunked request bodies, {@code Expect: 100-continue},
 * {@code X-HTTP-Method-Override} (tus). Every read has the I/O timeout; an early response to a request whose
 * body was not read is followed by a lingering close so that the client still sees it.
 */
public final class Http1Server {
    private static final Logger LOG = LoggerFactory.getLogger(Http1Server.class);
    private static final Duration LINGER = Duration.ofSeconds(2);
    /** A body the handler left unread is read and dropped up to this size, to keep the connection; above, it closes. */
    private static final long DRAIN_LIMIT = 64 * 1024;

    public interface Handler {
        /** Answers one request; an IOException means the connection broke and is closed without an answer. */
        Reply handle(Request request) throws IOException;
    }

    private final InetAddress bindAddress;
    private final Duration ioTimeout;
    private final Duration requestDeadline;
    private final int maxConnections;
    private final AtomicLong refused = new AtomicLong();
    private final Pacer pacer;
    private final LongSupplier latencyMs;
    private final AtomicLong bodyBytes;
    private final Handler handler;
    private final Set<Socket> connections = ConcurrentHashMap.newKeySet();
    private final Map<Thread, Socket> workers = new ConcurrentHashMap<>();
    private volatile ServerSocket listener;
    private volatile int port;
    private volatile boolean everBound;

    /**
     * @param ioTimeout       longest wait for the next byte from a client (also how long an idle connection is kept)
     * @param requestDeadline longest time from the first byte of a request to its last
     * @param maxConnections  connections served at once; one more is answered {@code 503} and closed
     */
    Http1Server(InetAddress bindAddress, int port, Duration ioTimeout, Duration requestDeadline, int maxConnections, Pacer pacer,
                LongSupplier latencyMs, AtomicLong bodyBytes, Handler handler) {
        this.bindAddress = bindAddress;
        this.port = port;
        this.ioTimeout = ioTimeout;
        this.requestDeadline = requestDeadline;
        this.maxConnections = maxConnections;
        this.pacer = pacer;
        this.latencyMs = latencyMs;
        this.bodyBytes = bodyBytes;
        this.handler = handler;
    }

    /**
     * A server for a device profile other than fieldflash-http/1 ({@code sim.webupdater}, {@code sim.elegantota}):
     * no bandwidth limit, no added latency.
     */
    public Http1Server(InetAddress bindAddress, int port, Duration ioTimeout, Duration requestDeadline, int maxConnections, Handler handler) {
        this(bindAddress, port, ioTimeout, requestDeadline, maxConnections, new Pacer(0), () -> 0, new AtomicLong(), handler);
    }

    /** The bound port (the chosen one when 0 was asked, and the same one again after a reopen). */
    public int port() {
        return port;
    }

    public boolean isOpen() {
        ServerSocket l = listener;
        return l != null && !l.isClosed();
    }

    /** Starts listening (again, after {@link #close}: on the same port). */
    public synchronized void open() throws IOException {
        if (isOpen()) return;
        ServerSocket ss = new ServerSocket();
        try {
            ss.setReuseAddress(true);
            // A small receive window keeps a paced link honest: the client cannot park megabytes in kernel buffers.
            if (pacer.limited()) ss.setReceiveBufferSize(64 * 1024);
            bindWithRetry(ss);
        } catch (IOException e) {
            ss.close();
            throw e;
        }
        port = ss.getLocalPort();
        everBound = true;
        listener = ss;
        Thread.ofVirtual().name("sim-accept-" + port).start(() -> acceptLoop(ss));
    }

    /**
     * Binding the same port right after closing it can fail briefly, so a device that comes back (it was bound
     * before) retries for a few seconds. A first start fails at once when the port is taken.
     */
    private void bindWithRetry(ServerSocket ss) throws IOException {
        InetSocketAddress at = new InetSocketAddress(bindAddress, port);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(everBound ? 5 : 0);
        while (true) {
            try {
                ss.bind(at, 64);
                return;
            } catch (java.net.BindException e) {
                if (System.nanoTime() > deadline) {
                    throw new java.net.BindException("cannot listen on " + bindAddress.getHostAddress() + ":" + port + " ("
                            + e.getMessage() + "; is another device or program using that port?)");
                }
                sleepQuietly(100);
            }
        }
    }

    /**
     * Stops listening and cuts every open connection, as a device losing power does: new connections are
     * refused, open ones are reset. Waits up to {@code wait} for connection threads to finish.
     */
    public void close(Duration wait) {
        powerOff();
        awaitIdle(wait);
    }

    /**
     * Closes the listener and resets every connection but the calling thread's own (which is answering its last
     * request and closes itself). Returns at once.
     */
    void powerOff() {
        ServerSocket l;
        synchronized (this) {
            l = listener;
            listener = null;
        }
        if (l != null) {
            try {
                l.close();
            } catch (IOException e) {
                LOG.debug("closing the listener: {}", e.toString());
            }
        }
        Socket own = workers.get(Thread.currentThread());
        for (Socket s : connections) {
            if (s != own) reset(s);
        }
    }

    /** Waits up to {@code wait} for the connection threads (other than the caller) to end. */
    void awaitIdle(Duration wait) {
        long deadline = System.nanoTime() + wait.toNanos();
        for (Thread t : workers.keySet()) {
            if (t == Thread.currentThread()) continue;
            long left = deadline - System.nanoTime();
            if (left <= 0) break;
            try {
                t.join(Duration.ofNanos(left));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private void acceptLoop(ServerSocket ss) {
        while (!ss.isClosed()) {
            Socket s;
            try {
                s = ss.accept();
            } catch (IOException e) {
                if (!ss.isClosed()) LOG.warn("accept failed: {}", e.toString());
                return;
            }
            if (ss.isClosed()) {
                reset(s);
                return;
            }
            if (connections.size() >= maxConnections) {
                turnAway(s);
                continue;
            }
            connections.add(s);
            Thread t = Thread.ofVirtual().name("sim-conn-" + s.getPort()).unstarted(() -> serve(s));
            workers.put(t, s);
            t.start();
        }
    }

    /** One connection too many: a short {@code 503} and the door closes. */
    private void turnAway(Socket s) {
        long n = refused.incrementAndGet();
        if (n == 1 || n % 100 == 0) {
            LOG.warn("{} connections are open, the most this device serves at once: connection refused with 503 ({} so far)",
                    maxConnections, n);
        }
        try {
            s.setSoTimeout(1000);
            OutputStream out = s.getOutputStream();
            write(out, Reply.error(503, "BUSY", "Too many connections at once; try again in a moment.")
                    .header("Retry-After", 1).closing(), false);
            s.shutdownOutput();
        } catch (IOException e) {
            // the client is gone already
        } finally {
            reset(s);
        }
    }

    private void serve(Socket s) {
        try (s) {
            s.setTcpNoDelay(true);
            Deadline timed = new Deadline(s);
            InputStream in = new BufferedInputStream(timed, 64 * 1024);
            OutputStream out = new BufferedOutputStream(s.getOutputStream(), 16 * 1024);
            while (true) {
                Request req;
                timed.startAtNextByte(requestDeadline);
                try {
                    req = Request.read(in, out, pacer, bodyBytes, () -> reset(s));
                } catch (Request.Malformed e) {
                    LOG.info("malformed request from port {} → {}: {}", s.getPort(), e.status, Printable.of(e.getMessage()));
                    write(out, Reply.error(e.status, e.status == 431 ? "TOO_LARGE" : "BAD_REQUEST", e.getMessage()).closing(), false);
                    lingeringClose(s, timed, in);
                    return;
                } catch (Request.Timeout e) {
                    LOG.info("request from port {} not whole within {} s → 408; connection closed", s.getPort(),
                            requestDeadline.toSeconds());
                    write(out, Reply.error(408, "REQUEST_TIMEOUT", "The request did not arrive whole within "
                            + requestDeadline.toSeconds() + " s.").closing(), false);
                    lingeringClose(s, timed, in);
                    return;
                }
                if (req == null) return;
                Reply reply;
                try {
                    reply = handler.handle(req);
                } catch (Request.Malformed e) {
                    reply = Reply.error(e.status, e.status == 413 || e.status == 431 ? "TOO_LARGE" : "BAD_REQUEST", e.getMessage()).closing();
                } catch (SocketTimeoutException e) {
                    LOG.info("{} {}: {}; connection closed", req.method(), Printable.of(req.path()), e instanceof Request.Timeout
                            ? "the request did not arrive whole within " + requestDeadline.toSeconds() + " s"
                            : "the client sent nothing for " + ioTimeout.toSeconds() + " s");
                    return;
                } catch (Disk.PowerLoss e) {
                    reset(s);   // the device lost power: the link dies with it
                    return;
                } catch (IOException e) {
                    return;   // the connection broke while the handler read the body; nobody is left to answer
                } catch (RuntimeException e) {
                    LOG.error("{} {} failed inside the simulator", req.method(), Printable.of(req.path()), e);
                    reply = Reply.error(500, "INTERNAL", "The simulator failed: " + e).closing();
                }
                switch (reply) {
                    case Reply.Abort abort -> {
                        if (abort.reset()) reset(s);
                        return;
                    }
                    case Reply.Respond resp -> {
                        long latency = latencyMs.getAsLong();
                        if (latency > 0) sleepQuietly(latency);
                        boolean close = resp.close() || !req.keepAlive() || !req.finishBody(DRAIN_LIMIT);
                        write(out, close ? resp.closing() : resp, req.method().equals("HEAD"));
                        resp.afterSend().run();
                        if (close) {
                            if (!req.bodyFinished()) lingeringClose(s, timed, in);
                            return;
                        }
                    }
                }
            }
        } catch (IOException e) {
            LOG.debug("connection from port {} ended: {}", s.getPort(), e.toString());
        } finally {
            connections.remove(s);
            workers.remove(Thread.currentThread());
        }
    }

    private static void write(OutputStream out, Reply.Respond r, boolean head) throws IOException {
        StringBuilder sb = new StringBuilder(256);
        sb.append("HTTP/1.1 ").append(r.status()).append(' ').append(reason(r.status())).append("\r\n");
        sb.append("Date: ").append(HttpDates.format(System.currentTimeMillis())).append("\r\n");
        for (Reply.Header h : r.headers()) sb.append(h.name()).append(": ").append(h.value()).append("\r\n");
        boolean bodyAllowed = r.status() != 204 && r.status() != 304 && r.status() >= 200;
        if (bodyAllowed && !head) sb.append("Content-Length: ").append(r.body().length).append("\r\n");
        if (r.close()) sb.append("Connection: close\r\n");
        sb.append("\r\n");
        out.write(sb.toString().getBytes(StandardCharsets.ISO_8859_1));
        if (bodyAllowed && !head) out.write(r.body());
        out.flush();
    }

    /**
     * Closes after an early answer without making the client lose it: stop sending, then read and discard what
     * the client still sends for a short while. Closing at once with unread bytes makes the kernel send a
     * reset, which can destroy the answer before the client reads it.
     */
    private static void lingeringClose(Socket s, Deadline timed, InputStream in) {
        try {
            s.shutdownOutput();
            timed.endAt(System.nanoTime() + LINGER.toNanos());
            byte[] sink = new byte[16 * 1024];
            long discarded = 0;
            while (discarded < (64 << 20)) {
                int n = in.read(sink);
                if (n < 0) break;
                discarded += n;
            }
        } catch (IOException e) {
            // timeout or reset: either way the connection is done
        }
    }

    /** Closes with a TCP reset (SO_LINGER 0), as a link that drops or a device that loses power does. */
    private static void reset(Socket s) {
        try {
            if (!s.isClosed()) s.setSoLinger(true, 0);
        } catch (SocketException e) {
            // already gone
        }
        try {
            s.close();
        } catch (IOException e) {
            // already gone
        }
    }

    static void sleepQuietly(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static String reason(int status) {
        return switch (status) {
            case 100 -> "Continue";
            case 200 -> "OK";
            case 201 -> "Created";
            case 202 -> "Accepted";
            case 204 -> "No Content";
            case 400 -> "Bad Request";
            case 401 -> "Unauthorized";
            case 404 -> "Not Found";
            case 405 -> "Method Not Allowed";
            case 409 -> "Conflict";
            case 412 -> "Precondition Failed";
            case 413 -> "Content Too Large";
            case 415 -> "Unsupported Media Type";
            case 422 -> "Unprocessable Content";
            case 423 -> "Locked";
            case 431 -> "Request Header Fields Too Large";
            case 460 -> "Checksum Mismatch";
            case 500 -> "Internal Server Error";
            case 501 -> "Not Implemented";
            case 503 -> "Service Unavailable";
            case 505 -> "HTTP Version Not Supported";
            default -> "Status " + status;
        };
    }

    /**
     * The socket's input with two limits: no single wait longer than the I/O timeout, and a whole request within its
     * deadline, counted from the request's first byte (the wait for it on an idle kept-alive connection is not
     * counted). A read past the deadline throws {@link Request.Timeout}.
     */
    private final class Deadline extends InputStream {
        private final Socket socket;
        private final InputStream in;
        private long endNanos = Long.MAX_VALUE;
        private Duration armOnByte;

        Deadline(Socket socket) throws IOException {
            this.socket = socket;
            this.in = socket.getInputStream();
        }

        /** The next request's deadline, started when its first byte arrives. */
        void startAtNextByte(Duration d) {
            endNanos = Long.MAX_VALUE;
            armOnByte = d;
        }

        /** A fixed end, e.g. for a lingering close. */
        void endAt(long nanos) {
            armOnByte = null;
            endNanos = nanos;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            long wait = ioTimeout.toMillis();
            if (endNanos != Long.MAX_VALUE) {
                long left = TimeUnit.NANOSECONDS.toMillis(endNanos - System.nanoTime());
                if (left <= 0) throw new Request.Timeout("the request's deadline has passed");
                wait = Math.min(wait, left);
            }
            socket.setSoTimeout((int) Math.max(1, Math.min(Integer.MAX_VALUE, wait)));
            int n;
            try {
                n = in.read(b, off, len);
            } catch (SocketTimeoutException e) {
                if (endNanos != Long.MAX_VALUE && System.nanoTime() - endNanos >= 0) {
                    throw new Request.Timeout("the request's deadline has passed");
                }
                throw e;
            }
            if (n > 0 && armOnByte != null) {
                endNanos = System.nanoTime() + armOnByte.toNanos();
                armOnByte = null;
            }
            return n;
        }
    }
}
