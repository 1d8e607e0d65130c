package io.fieldflash.provision;

import java.time.Duration;
import java.util.List;

/**
 * The commands of Particle's SoftAP set-up protocol (Photon, P1), one method each, over either transport. Each
 * command is one exchange with its own deadline; {@link #connect()} makes the device leave listening mode, so it
 * is always the last.
 */
public final class ParticleSoftAp {
    public static final String VERSION = "version";
    public static final String DEVICE_ID = "device-id";
    public static final String PUBLIC_KEY = "public-key";
    public static final String SCAN_AP = "scan-ap";
    public static final String CONFIGURE_AP = "configure-ap";
    public static final String CONNECT_AP = "connect-ap";
    public static final String SET = "set";

    /** Deadline of a command; a scan takes the device a few seconds more. */
    public static final Duration COMMAND_DEADLINE = Duration.ofSeconds(10);
    public static final Duration SCAN_DEADLINE = Duration.ofSeconds(30);

    private final SoftApTransport transport;

    public ParticleSoftAp(SoftApTransport transport) {
        this.transport = transport;
    }

    public SoftApAddress address() {
        return transport.address();
    }

    public int version() throws ProvisionException, InterruptedException {
        return ParticleReply.version(transport.exchange(VERSION, "", COMMAND_DEADLINE));
    }

    public ParticleReply.DeviceIdentity deviceId() throws ProvisionException, InterruptedException {
        return ParticleReply.deviceId(transport.exchange(DEVICE_ID, "", COMMAND_DEADLINE));
    }

    public DeviceKey publicKey() throws ProvisionException, InterruptedException {
        return ParticleReply.publicKey(transport.exchange(PUBLIC_KEY, "", COMMAND_DEADLINE));
    }

    public List<ParticleReply.Network> scan() throws ProvisionException, InterruptedException {
        return ParticleReply.scan(transport.exchange(SCAN_AP, "", SCAN_DEADLINE));
    }

    /** The JSON of configure-ap: numbers as JSON numbers, the password encrypted under the device key. */
    public static String configureRequest(WifiCredentials wifi, DeviceKey key) {
        WireJson j = WireJson.object().put("idx", 0).put("ssid", wifi.ssid());
        if (wifi.security() != Security.OPEN) j.put("pwd", key.encryptHex(wifi.password()));
        return j.put("sec", wifi.security().code()).put("ch", wifi.channel()).text();
    }

    /** Stores the network on the device; a non-zero answer is a {@link ProvisionException} in plain words. */
    public void configure(WifiCredentials wifi, DeviceKey key) throws ProvisionException, InterruptedException {
        expectZero(CONFIGURE_AP, transport.exchange(CONFIGURE_AP, configureRequest(wifi, key), COMMAND_DEADLINE));
    }

    /** Sets the claim code the device presents to the cloud when it first connects. */
    public void setClaimCode(String claimCode) throws ProvisionException, InterruptedException {
        expectZero(SET, transport.exchange(SET, WireJson.object().put("k", "cc").put("v", claimCode).text(), COMMAND_DEADLINE));
    }

    /** Tells the device to leave listening mode and join the stored network. */
    public void connect() throws ProvisionException, InterruptedException {
        String answer;
        try {
            answer = transport.exchange(CONNECT_AP, WireJson.object().put("idx", 0).text(), COMMAND_DEADLINE);
        } catch (ProvisionException e) {
            // leaving its access point can cut the answer off
            if (e.reason() == ProvisionException.Reason.TIMEOUT || e.reason() == ProvisionException.Reason.NO_ANSWER) throw unconfirmed(e);
            throw e;
        }
        if (answer.isBlank()) throw unconfirmed(null);
        expectZero(CONNECT_AP, answer);
    }

    private static ProvisionException unconfirmed(Throwable cause) {
        return new ProvisionException(ProvisionException.Reason.CONNECT_UNCONFIRMED,
                "The device did not confirm connect-ap; it may have left its access point anyway.",
                "Watch its LED: breathing cyan means it joined the network; blinking green for long means the network or password is wrong.", cause);
    }

    private static void expectZero(String command, String answer) throws ProvisionException {
        int r = ParticleReply.result(command, answer);
        if (r != 0) throw ProvisionException.refused(command, r);
    }
}
