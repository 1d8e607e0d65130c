package io.fieldflash.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;

/**
 * A hostile (or broken) device for client tests: a real HTTP server on 127.0.0.1 that stands in front of a real
 * device (the simulator) and lets a test answer, change or drop any exchange. What the test does not touch is
 * passed through unchanged, so everything else behaves as the real device does.
 */
public final class DeviceProxy implements AutoCloseable {

    /** A request as the client sent it. */
    public record Req(String method, String path, Map<String, String> headers, byte[] body) {
        public String header(String name) {
            return headers.getOrDefault(name.toLowerCase(Locale.ROOT), "");
        }
    }

    /**
     * An answer; {@link #DROP} closes the connection without one, {@link #STALL} sends a 200 head and then trickles its
     * body a byte every 200 ms, for ever.
     */
    public record Resp(int status, Map<String, String> headers, byte[] body) {
        public static final Resp DROP = new Resp(-1, Map.of(), new byte[0]);
        public static final Resp STALL = new Resp(-2, Map.of(), new byte[0]);

        public static Resp json(int status, String json) {
            return new Resp(status, Map.of("Content-Type", "application/json"), json.getBytes(StandardCharsets.UTF_8));
        }

        public String text() {
            return new String(body, StandardCharsets.UTF_8);
        }

        public Resp withBody(String json) {
            return new Resp(status, headers, json.getBytes(StandardCharsets.UTF_8));
        }

        public Resp withHeader(String name, String value) {
            Map<String, String> h = new LinkedHashMap<>(headers);
            h.keySet().removeIf(k -> k.equalsIgnoreCase(name));
            h.put(name, value);
            return new Resp(status, h, body);
        }
    }

    /** The real device behind the proxy. */
    public interface Upstream {
        /** The device's answer, or {@link Resp#DROP} when it does not answer (e.g. while it restarts). */
        Resp forward(Req req);
    }

    /** Decides each exchange: forward it, change it, answer in the device's place, or drop it. */
    @FunctionalInterface
    public interface Script {
        Resp handle(Req req, Upstream device) throws Exception;
    }

    private static final Set<String> HOP = Set.of("connection", "content-length", "expect", "host", "upgrade", "transfer-encoding",
            "keep-alive", "date");

    private final HttpServer server;
    private final HttpClient client;
    private final URI upstream;
    private volatile Script script = (r, d) -> d.forward(r);

    private DeviceProxy(URI upstream) throws IOException {
        this.upstream = upstream;
        this.client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(2)).build();
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/", this::exchange);
        server.start();
    }

    /** A proxy to the device at {@code upstream} (e.g. {@code http://127.0.0.1:PORT}). */
    public static DeviceProxy in(URI upstream) throws IOException {
        return new DeviceProxy(upstream);
    }

    public DeviceProxy script(Script s) {
        this.script = s;
        return this;
    }

    /** The address to give the client: {@code http://127.0.0.1:PORT}. */
    public URI address() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    private void exchange(HttpExchange ex) throws IOException {
        try (ex) {
            Map<String, String> headers = new LinkedHashMap<>();
            ex.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(Locale.ROOT), String.join(",", v)));
            byte[] body = ex.getRequestBody().readAllBytes();
            Req req = new Req(ex.getRequestMethod(), ex.getRequestURI().getRawPath(), headers, body);
            Resp resp;
            try {
                resp = script.handle(req, this::forward);
            } catch (Exception e) {
                resp = Resp.json(599, "{\"error\":\"PROXY\",\"message\":\"" + e + "\"}");
            }
            if (resp == null || resp.status() == -1) return;      // no answer: the connection just closes
            if (resp.status() == -2) {
                ex.getResponseHeaders().add("Content-Type", "application/json");
                ex.sendResponseHeaders(200, 1_000_000);
                try {
                    while (true) {
                        ex.getResponseBody().write(' ');
                        ex.getResponseBody().flush();
                        Thread.sleep(200);
                    }
                } catch (IOException | InterruptedException e) {
                    return;       // the client gave up
                }
            }
            resp.headers().forEach((k, v) -> ex.getResponseHeaders().add(k, v));
            boolean empty = resp.body().length == 0 || req.method().equals("HEAD") || resp.status() == 204;
            ex.sendResponseHeaders(resp.status(), empty ? -1 : resp.body().length);
            if (!empty) ex.getResponseBody().write(resp.body());
        }
    }

    private Resp forward(Req req) {
        HttpRequest.Builder b = HttpRequest.newBuilder(upstream.resolve(req.path())).timeout(Duration.ofSeconds(20));
        req.headers().forEach((k, v) -> {
            if (!HOP.contains(k)) b.header(k, v);
        });
        b.method(req.method(), req.body().length == 0 ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(req.body()));
        try {
            HttpResponse<byte[]> r = client.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
            Map<String, String> h = new LinkedHashMap<>();
            r.headers().map().forEach((k, v) -> {
                if (!HOP.contains(k.toLowerCase(Locale.ROOT)) && !k.startsWith(":")) h.put(k, String.join(",", v));
            });
            return new Resp(r.statusCode(), h, r.body());
        } catch (IOException e) {
            return Resp.DROP;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Resp.DROP;
        }
    }

    @Override
    public void close() {
        server.stop(0);
        client.close();
    }

    /** Lists a request's path for assertions, e.g. {@code "PATCH /fieldflash/v1/uploads/…"}. */
    public static String line(Req r) {
        return r.method() + " " + r.path();
    }

    public static List<String> lines(List<Req> rs) {
        return rs.stream().map(DeviceProxy::line).toList();
    }
}
