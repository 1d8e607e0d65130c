package io.fieldflash.sim.particle;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fieldflash.AtomicFile;
import io.fieldflash.bundle.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.RSAPublicKeySpec;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.security.SecureRandom;

/**
 * What the simulated Photon keeps in its state folder: its RSA-1024 key ({@value #KEY_FILE}, PKCS#8 DER) and
 * {@value #STATE_FILE}: its id, the claim code, the networks stored exactly as they arrived (SSID as the raw
 * JSON text, password as decrypted), whether connect-ap came, and the names of the commands received in order.
 */
public final class ParticleState {
    public static final String KEY_FILE = "particle-device-key.der";
    public static final String STATE_FILE = "particle-softap.json";
    /** The commands kept in the state file (the latest). */
    static final int MAX_COMMANDS = 1000;

    /** A network as the device stored it. */
    public record StoredNetwork(int idx, String ssid, String password, String passwordHex, int security, int channel) {}

    private final Path dir;
    private final RSAPrivateCrtKey privateKey;
    private final RSAPublicKey publicKey;
    private final String deviceId;
    private String claimCode = "";
    private boolean connected;
    private final List<StoredNetwork> networks = new ArrayList<>();
    private final List<String> commands = new ArrayList<>();

    private ParticleState(Path dir, RSAPrivateCrtKey privateKey, String deviceId) throws GeneralSecurityException {
        this.dir = dir;
        this.privateKey = privateKey;
        this.publicKey = (RSAPublicKey) KeyFactory.getInstance("RSA")
                .generatePublic(new RSAPublicKeySpec(privateKey.getModulus(), privateKey.getPublicExponent()));
        this.deviceId = deviceId;
    }

    /** Loads the device from {@code dir}, or makes a new one there (new key, {@code factoryId} or a random id). */
    public static synchronized ParticleState open(Path dir, String factoryId) throws IOException {
        Files.createDirectories(dir);
        try {
            Path keyFile = dir.resolve(KEY_FILE);
            KeyFactory kf = KeyFactory.getInstance("RSA");
            RSAPrivateCrtKey key;
            if (Files.exists(keyFile)) {
                key = (RSAPrivateCrtKey) kf.generatePrivate(new PKCS8EncodedKeySpec(Files.readAllBytes(keyFile)));
            } else {
                KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
                g.initialize(1024);
                KeyPair pair = g.generateKeyPair();
                key = (RSAPrivateCrtKey) pair.getPrivate();
                AtomicFile.write(keyFile, key.getEncoded());
            }
            Path stateFile = dir.resolve(STATE_FILE);
            if (Files.exists(stateFile)) {
                JsonNode n = Json.MAPPER.readTree(stateFile.toFile());
                ParticleState s = new ParticleState(dir, key, n.path("deviceId").asText());
                s.claimCode = n.path("claimCode").asText("");
                s.connected = n.path("connected").asBoolean(false);
                for (JsonNode w : n.path("networks")) {
                    s.networks.add(new StoredNetwork(w.path("idx").asInt(), w.path("ssid").asText(), w.path("password").asText(),
                            w.path("passwordHex").asText(), w.path("sec").asInt(), w.path("ch").asInt()));
                }
                for (JsonNode c : n.path("commands")) s.commands.add(c.asText());
                return s;
            }
            String id = factoryId != null && !factoryId.isBlank() ? factoryId.toUpperCase(Locale.ROOT) : randomId();
            if (!id.matches("[0-9A-F]{24}")) throw new IllegalArgumentException("a Particle device id is 24 hex digits, got '" + factoryId + "'");
            ParticleState s = new ParticleState(dir, key, id);
            s.save();
            return s;
        } catch (GeneralSecurityException | ClassCastException e) {
            throw new IOException("the device key in " + dir.resolve(KEY_FILE) + " cannot be read: " + e.getMessage(), e);
        }
    }

    private static String randomId() {
        byte[] b = new byte[12];
        new SecureRandom().nextBytes(b);
        return HexFormat.of().withUpperCase().formatHex(b);
    }

    public String deviceId() {
        return deviceId;
    }

    public RSAPublicKey publicKey() {
        return publicKey;
    }

    RSAPrivateCrtKey privateKey() {
        return privateKey;
    }

    public synchronized String claimCode() {
        return claimCode;
    }

    public synchronized boolean connected() {
        return connected;
    }

    public synchronized List<StoredNetwork> networks() {
        return List.copyOf(networks);
    }

    public synchronized List<String> commands() {
        return List.copyOf(commands);
    }

    synchronized void received(String command) throws IOException {
        commands.add(command);
        if (commands.size() > MAX_COMMANDS) commands.removeFirst();
        save();
    }

    synchronized void claimCode(String code) throws IOException {
        claimCode = code;
        save();
    }

    /** The newest network first, as the firmware shifts its list; an entry with the same SSID is replaced. */
    synchronized void store(StoredNetwork n) throws IOException {
        networks.removeIf(o -> o.ssid().equals(n.ssid()));
        networks.addFirst(n);
        while (networks.size() > 5) networks.removeLast();
        save();
    }

    synchronized void connected(boolean c) throws IOException {
        connected = c;
        save();
    }

    private void save() throws IOException {
        ObjectNode o = Json.MAPPER.createObjectNode();
        o.put("deviceId", deviceId);
        o.put("claimCode", claimCode);
        o.put("connected", connected);
        ArrayNode nets = o.putArray("networks");
        for (StoredNetwork n : networks) {
            nets.addObject().put("idx", n.idx()).put("ssid", n.ssid()).put("password", n.password())
                    .put("passwordHex", n.passwordHex()).put("sec", n.security()).put("ch", n.channel());
        }
        ArrayNode cmds = o.putArray("commands");
        commands.forEach(cmds::add);
        AtomicFile.write(dir.resolve(STATE_FILE), Json.MAPPER.writeValueAsBytes(o), false);     // a simulator: no fsync per command
    }

    /** Reads the state file of {@code dir} (for tests and people): the same values a running device has. */
    public static ParticleState read(Path dir) throws IOException {
        if (!Files.exists(dir.resolve(STATE_FILE))) throw new java.nio.file.NoSuchFileException(dir.resolve(STATE_FILE).toString());
        return open(dir, null);
    }
}
