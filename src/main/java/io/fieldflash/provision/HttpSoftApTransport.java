package io.fieldflash.provision;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The same commands over HTTP on port 80: {@code GET /NAME} without data, {@code POST /NAME} with the JSON as the
 * body. The device answers 200 to every command it knows; a failure is only in the JSON.
 */
public record HttpSoftApTransport(SoftApAddress address) implements SoftApTransport {

    public HttpSoftApTransport {
        if (address.transport() != SoftApAddress.Transport.HTTP) throw new IllegalArgumentException("not an http:// address");
    }

    @Override
    public String exchange(String command, String json, Duration deadline) throws ProvisionException, InterruptedException {
        String host = address.host().contains(":") ? "[" + address.host() + "]" : address.host();
        URI uri = URI.create("http://" + host + ":" + address.port() + "/" + command);
        HttpRequest.Builder rb = HttpRequest.newBuilder(uri).timeout(deadline);
        if (json.isEmpty()) {
            rb.GET();
        } else {
            rb.POST(HttpRequest.BodyPublishers.ofString(json, StandardCharsets.UTF_8)).header("Content-Type", "application/json");
        }
        try (HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .followRedirects(HttpClient.Redirect.NEVER).proxy(HttpClient.Builder.NO_PROXY).connectTimeout(deadline).build()) {
            CompletableFuture<HttpResponse<byte[]>> call = client.sendAsync(rb.build(), info -> new Capped(MAX_REPLY_BYTES));
            HttpResponse<byte[]> response;
            try {
                response = call.get(deadline.toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                call.cancel(true);
                throw TcpSoftApTransport.timeout(command, deadline);
            } catch (InterruptedException e) {
                call.cancel(true);
                throw e;
            } catch (ExecutionException e) {
                Throwable cause = e.getCause();
                if (cause instanceof ProvisionException pe) throw pe;
                if (cause instanceof java.net.http.HttpTimeoutException) throw TcpSoftApTransport.timeout(command, deadline);
                if (cause instanceof ConnectException) {
                    throw new ProvisionException(ProvisionException.Reason.UNREACHABLE,
                            "Cannot connect to the device at " + address + ".",
                            "Join the device's access point (Photon-XXXX) first and check the address; HTTP is on port 80.", cause);
                }
                throw new ProvisionException(ProvisionException.Reason.NO_ANSWER,
                        "The connection to the device broke during " + command + ": " + cause + ".",
                        "Stay joined to the device's access point and try again.", cause);
            }
            if (response.statusCode() != 200) {
                throw new ProvisionException(ProvisionException.Reason.MALFORMED,
                        "The device answered " + command + " with HTTP status " + response.statusCode() + " (a device in listening mode answers 200).",
                        "Check that the address is a device in listening mode (blinking blue); an older firmware may not serve " + command + " over HTTP: try tcp://.");
            }
            return new String(response.body(), StandardCharsets.UTF_8);
        }
    }

    /** Collects a body up to a cap and fails the exchange past it. */
    private static final class Capped implements HttpResponse.BodySubscriber<byte[]> {
        private final int cap;
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        private final CompletableFuture<byte[]> result = new CompletableFuture<>();
        private Flow.Subscription subscription;

        Capped(int cap) {
            this.cap = cap;
        }

        @Override
        public CompletionStage<byte[]> getBody() {
            return result;
        }

        @Override
        public void onSubscribe(Flow.Subscription s) {
            subscription = s;
            s.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(List<ByteBuffer> items) {
            if (result.isDone()) return;
            for (ByteBuffer b : items) {
                if (bytes.size() + b.remaining() > cap) {
                    subscription.cancel();
                    result.completeExceptionally(new ProvisionException(ProvisionException.Reason.TOO_LARGE,
                            "The device's answer is larger than " + cap + " bytes; no real answer is.",
                            "Check that the address is a device in listening mode."));
                    return;
                }
                byte[] chunk = new byte[b.remaining()];
                b.get(chunk);
                bytes.write(chunk, 0, chunk.length);
            }
        }

        @Override
        public void onError(Throwable t) {
            result.completeExceptionally(t instanceof IOException ? t : new IOException(t));
        }

        @Override
        public void onComplete() {
            result.complete(bytes.toByteArray());
        }
    }
}
