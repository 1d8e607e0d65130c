package io.fieldflash.provision;

import io.fieldflash.Printable;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Sets a Particle device up for a site network, in the order Particle's own tools use: read its id and key, look
 * for the network in the device's own scan, set the claim code, store the network, and only when all of that
 * was accepted, tell it to connect (after which it is no longer reachable on its access point).
 */
public final class Provisioning {

    /** What happens, for a view to render. */
    public sealed interface Event {
        /** A step done, in plain words (device text already escaped). */
        record Step(String text) implements Event {}

        /** Something the person should know; the set-up goes on. */
        record Warning(String text) implements Event {}
    }

    /** What was done. {@code seenInScan} is empty when the scan failed. */
    public record Result(String deviceId, boolean claimed, int keyBits, Optional<ParticleReply.Network> seenInScan,
                         int channel, boolean claimCodeSet, List<String> commands) {}

    private Provisioning() {}

    /**
     * Runs the set-up. Throws at the first command the device refuses or does not answer; {@code connect-ap} is
     * then not sent, so the device stays in listening mode.
     */
    public static Result run(ParticleSoftAp device, WifiCredentials wifi, String claimCode, Consumer<Event> events)
            throws ProvisionException, InterruptedException {
        List<String> sent = new ArrayList<>();
        for (String w : wifi.warnings()) events.accept(new Event.Warning(w));
        if (!claimCode.isEmpty() && WireJson.storedDifferently(claimCode)) {
            events.accept(new Event.Warning("The claim code contains \", \\ or control characters: the device stores the JSON escapes, so the cloud will not match it."));
        }

        sent.add(ParticleSoftAp.DEVICE_ID);
        ParticleReply.DeviceIdentity id = device.deviceId();
        events.accept(new Event.Step("Device " + Printable.of(id.id()) + (id.claimed() ? " (claimed)" : " (not claimed)") + " at " + device.address()));

        sent.add(ParticleSoftAp.PUBLIC_KEY);
        DeviceKey key = device.publicKey();
        events.accept(new Event.Step("Read the device's public key (RSA-" + key.bits() + ")"));
        if (wifi.password().getBytes(java.nio.charset.StandardCharsets.UTF_8).length > key.maxPlaintextBytes()) {
            throw new ProvisionException(ProvisionException.Reason.BAD_KEY,
                    "The password is too long to encrypt under this device's key (at most " + key.maxPlaintextBytes() + " bytes).",
                    "Check the password.");
        }

        Optional<ParticleReply.Network> seen = Optional.empty();
        int channel = wifi.channel();
        sent.add(ParticleSoftAp.SCAN_AP);
        try {
            List<ParticleReply.Network> networks = device.scan();
            seen = networks.stream().filter(n -> n.ssid().equals(wifi.ssid())).max(java.util.Comparator.comparingInt(ParticleReply.Network::rssi));
            if (seen.isEmpty()) {
                events.accept(new Event.Warning("The device does not see \"" + Printable.of(wifi.ssid()) + "\" among the " + networks.size()
                        + " networks it found; it may be hidden or out of range. Going on."));
            } else {
                ParticleReply.Network n = seen.get();
                events.accept(new Event.Step("The device sees \"" + Printable.of(n.ssid()) + "\" (" + n.rssi() + " dBm, " + n.securityName()
                        + ", channel " + n.channel() + ")"));
                if (n.securityCode() != wifi.security().code()) {
                    events.accept(new Event.Warning("The network reports security " + n.securityName() + " but " + wifi.security().cliName()
                            + " was given; the device will use " + wifi.security().cliName() + "."));
                }
                if (channel == 0 && n.channel() > 0 && n.channel() <= 165) channel = n.channel();
            }
        } catch (ProvisionException e) {
            events.accept(new Event.Warning("The device's scan could not be read (" + e.getMessage() + "). Going on without it."));
        }
        WifiCredentials toSend = new WifiCredentials(wifi.ssid(), wifi.password(), wifi.security(), channel);

        boolean claimed = false;
        if (!claimCode.isEmpty()) {
            sent.add(ParticleSoftAp.SET);
            device.setClaimCode(claimCode);
            claimed = true;
            events.accept(new Event.Step("Claim code set"));
        }

        sent.add(ParticleSoftAp.CONFIGURE_AP);
        device.configure(toSend, key);
        events.accept(new Event.Step("Network \"" + Printable.of(wifi.ssid()) + "\" stored (" + wifi.security().cliName()
                + (channel == 0 ? "" : ", channel " + channel) + ")"));

        sent.add(ParticleSoftAp.CONNECT_AP);
        device.connect();
        events.accept(new Event.Step("The device is leaving its access point to join the network"));
        return new Result(id.id(), id.claimed(), key.bits(), seen, channel, claimed, List.copyOf(sent));
    }
}
