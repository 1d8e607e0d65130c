package io.fieldflash.sim.particle;

import static org.assertj.core.api.Assertions.assertThat;

import io.fieldflash.provision.DeviceKey;
import io.fieldflash.provision.ParticleReply;
import io.fieldflash.provision.SoftApAddress;
import io.fieldflash.provision.SoftApTransport;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The profile reads requests the way the firmware does and answers its codes without a fault being set. */
class ParticleSoftApDeviceTest {
    @TempDir
    Path tmp;

    static final Duration D = Duration.ofSeconds(5);

    ParticleSoftApDevice start(String faults) throws Exception {
        return ParticleSoftApDevice.start(new ParticleSoftApDevice.Config(tmp, InetAddress.getLoopbackAddress(), 0, 0, null,
                ParticleFaults.parse(faults)));
    }

    static SoftApTransport tcp(ParticleSoftApDevice d) {
        return SoftApTransport.of(SoftApAddress.parse("tcp://127.0.0.1:" + d.tcpPort()));
    }

    @Test
    void requestsAreReadAsTheFirmwareReadsThem() throws Exception {
        try (ParticleSoftApDevice d = start(null)) {
            SoftApTransport t = tcp(d);
            DeviceKey key = ParticleReply.publicKey(t.exchange("public-key", "", D));
            String pwd = key.encryptHex("12345678");
            // a number in quotes, or an unknown key: the firmware cannot read it and answers nothing
            assertThat(t.exchange("configure-ap", "{\"idx\":0,\"ssid\":\"A\",\"pwd\":\"" + pwd + "\",\"sec\":\"4194308\",\"ch\":6}", D)).isEmpty();
            assertThat(t.exchange("configure-ap", "{\"idx\":0,\"ssid\":\"A\",\"pass\":\"x\"}", D)).isEmpty();
            // its own codes
            assertThat(t.exchange("configure-ap", "{\"idx\":0,\"ssid\":\"\",\"pwd\":\"" + pwd + "\",\"sec\":4194308,\"ch\":6}", D)).isEqualTo("{\"r\":-3}");
            assertThat(t.exchange("configure-ap", "{\"idx\":0,\"ssid\":\"A\",\"pwd\":\"" + key.encryptHex("short") + "\",\"sec\":4194308,\"ch\":6}", D))
                    .isEqualTo("{\"r\":-4}");
            assertThat(t.exchange("configure-ap", "{\"idx\":0,\"ssid\":\"A\",\"pwd\":\"00ff\",\"sec\":4194308,\"ch\":6}", D)).isEqualTo("{\"r\":-16640}");
            assertThat(t.exchange("set", "{\"k\":\"xx\",\"v\":\"abc\"}", D)).isEqualTo("{\"r\":-1}");
            assertThat(d.state().networks()).isEmpty();
            // the SSID is kept as it stood between the quotes
            assertThat(t.exchange("configure-ap", "{\"idx\":0,\"ssid\":\"Caf\\u00e9\",\"pwd\":\"" + pwd + "\",\"sec\":4194308,\"ch\":6}", D))
                    .isEqualTo("{\"r\":0}");
            assertThat(d.state().networks().getFirst().ssid()).isEqualTo("Caf\\u00e9");
            assertThat(d.state().networks().getFirst().password()).isEqualTo("12345678");
            // an unknown command gets nothing at all on TCP, 404 on HTTP
            assertThat(t.exchange("ant-nope", "", D)).isEmpty();
        }
    }

    @Test
    void aFaultedConnectKeepsTheDeviceInListeningMode() throws Exception {
        try (ParticleSoftApDevice d = start("connect=-1,version=none")) {
            SoftApTransport t = tcp(d);
            assertThat(t.exchange("connect-ap", "{\"idx\":0}", D)).isEqualTo("{\"r\":-1}");
            assertThat(t.exchange("version", "", D)).isEmpty();
            assertThat(d.awaitStopped(500)).isFalse();
            assertThat(d.state().connected()).isFalse();
            assertThat(d.state().commands()).containsExactly("connect-ap", "version");
        }
    }

    @Test
    void theKeyIsKeptInTheStateFolder() throws Exception {
        String first;
        try (ParticleSoftApDevice d = start(null)) {
            first = tcp(d).exchange("public-key", "", D);
        }
        try (ParticleSoftApDevice d = start(null)) {
            assertThat(tcp(d).exchange("public-key", "", D)).isEqualTo(first);
        }
    }
}
