package io.fieldflash.provision;

import java.time.Duration;

/**
 * One command to a device in listening mode and its raw answer (the JSON text, not yet parsed). Every exchange
 * has a deadline and a size cap; the answer is untrusted.
 */
public sealed interface SoftApTransport permits TcpSoftApTransport, HttpSoftApTransport {

    /** Largest answer taken from a device: a long scan list is a few KiB. */
    int MAX_REPLY_BYTES = 64 * 1024;

    /**
     * Sends {@code command} with {@code json} as its data ({@code ""} when it has none) and returns the answer's
     * JSON text, or {@code ""} when the device answered nothing (the firmware does that when it cannot parse the
     * request).
     */
    String exchange(String command, String json, Duration deadline) throws ProvisionException, InterruptedException;

    /** The transport for an address. */
    static SoftApTransport of(SoftApAddress address) {
        return switch (address.transport()) {
            case TCP -> new TcpSoftApTransport(address);
            case HTTP -> new HttpSoftApTransport(address);
        };
    }

    /** The address it talks to. */
    SoftApAddress address();
}
