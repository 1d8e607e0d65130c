package io.fieldflash.device.espota;

import java.time.Duration;

/**
 * How long the espota client waits for each thing a device does.
 *
 * @param answerTimeout   for an answer to one invitation (or to the authentication), per try
 * @param invitationTries invitations sent before saying the device does not answer
 * @param connectBack     for the device to connect back to the laptop after it said OK
 * @param stallTimeout    longest silence of the connection while the image streams (no byte taken, no count sent back)
 * @param resultTimeout   for the device's verdict ({@code OK} or its error) after the last byte
 */
public record EspOtaSettings(Duration answerTimeout, int invitationTries, Duration connectBack, Duration stallTimeout,
                             Duration resultTimeout) {

    /** Close to espota.py's own: 10 s for the connection back, a minute for the verdict. */
    public static final EspOtaSettings DEFAULT = new EspOtaSettings(Duration.ofSeconds(3), 3, Duration.ofSeconds(15),
            Duration.ofSeconds(20), Duration.ofSeconds(60));

    public EspOtaSettings {
        if (invitationTries < 1) throw new IllegalArgumentException("invitationTries must be at least 1");
        if (!answerTimeout.isPositive() || !connectBack.isPositive() || !stallTimeout.isPositive() || !resultTimeout.isPositive()) {
            throw new IllegalArgumentException("timeouts must be positive");
        }
    }
}
