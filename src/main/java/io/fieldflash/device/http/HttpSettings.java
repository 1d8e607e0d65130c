package io.fieldflash.device.http;

import java.time.Duration;

/**
 * Timeouts and sizes for talking HTTP to a device. Every request has a timeout: a SoftAP link that stalls
 * must not hang the laptop.
 *
 * @param connectTimeout    longest wait for a TCP connection
 * @param requestTimeout    longest wait for the answer to a small request (everything but PATCH)
 * @param minBytesPerSecond slowest link still considered alive: a PATCH of n bytes may take
 *                          {@code requestTimeout + n / minBytesPerSecond}
 * @param chunkSize         largest chunk this laptop sends (the device's {@code maxChunkSize} may lower it); chunks
 *                          start smaller and grow with the link's speed (see {@code ChunkSender}). A chunk the device
 *                          refuses costs at most this much again.
 */
public record HttpSettings(Duration connectTimeout, Duration requestTimeout, long minBytesPerSecond, int chunkSize) {

    public static final HttpSettings DEFAULT = new HttpSettings(Duration.ofSeconds(5), Duration.ofSeconds(20), 2048, 4 * 1024 * 1024);

    public HttpSettings {
        if (!connectTimeout.isPositive() || !requestTimeout.isPositive()) throw new IllegalArgumentException("timeouts must be positive");
        if (minBytesPerSecond < 1) throw new IllegalArgumentException("minBytesPerSecond must be positive");
        if (chunkSize < 1) throw new IllegalArgumentException("chunkSize must be positive");
    }

    /** The timeout for sending {@code bytes} bytes in one request. */
    public Duration timeoutFor(long bytes) {
        return requestTimeout.plusMillis(bytes * 1000 / minBytesPerSecond);
    }

    public HttpSettings withChunkSize(int chunkSize) {
        return new HttpSettings(connectTimeout, requestTimeout, minBytesPerSecond, chunkSize);
    }

    public HttpSettings withTimeouts(Duration connect, Duration request) {
        return new HttpSettings(connect, request, minBytesPerSecond, chunkSize);
    }
}
