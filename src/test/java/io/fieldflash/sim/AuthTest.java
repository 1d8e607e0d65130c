package io.fieldflash.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Bearer token, 401, and the lockout (423 with Retry-After) that survives a reboot. */
class AuthTest extends SimulatorTest {
    final SimHarness.MutableClock clock = new SimHarness.MutableClock();

    private HttpResponse<String> withToken(String token) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(sim.uri("/confirm")).POST(HttpRequest.BodyPublishers.noBody());
        if (token != null) b.header("Authorization", "Bearer " + token);
        return sim.send(b.build());
    }

    @Test
    void aMissingOrWrongTokenIs401() throws Exception {
        sim = SimHarness.start(dir, b -> b.clock(clock));
        HttpResponse<String> none = withToken(null);
        assertThat(none.statusCode()).isEqualTo(401);
        assertThat(none.headers().firstValue("WWW-Authenticate").orElseThrow()).startsWith("Bearer");
        assertThat(withToken("wrong").statusCode()).isEqualTo(401);
        assertThat(withToken(SimHarness.TOKEN).statusCode()).isEqualTo(200);
        // Transfer requests too, and their answers still carry Tus-Resumable.
        HttpResponse<String> tus = sim.send(HttpRequest.newBuilder(sim.uri("/uploads")).header("Tus-Resumable", "1.0.0")
                .header("Upload-Length", "10").POST(HttpRequest.BodyPublishers.noBody()).build());
        assertThat(tus.statusCode()).isEqualTo(401);
        assertThat(tus.headers().firstValue("Tus-Resumable")).hasValue("1.0.0");
        // GET /info and OPTIONS need none.
        assertThat(sim.info().path("protocol").asText()).isEqualTo("fieldflash-http/1");
    }

    @Test
    void fiveWrongTokensInARowLockTheDeviceEvenAcrossARestart() throws Exception {
        sim = SimHarness.start(dir, b -> b.clock(clock).lockoutDuration(Duration.ofSeconds(1800)));
        for (int i = 1; i <= 4; i++) assertThat(withToken("guess" + i).statusCode()).isEqualTo(401);
        HttpResponse<String> fifth = withToken("guess5");
        assertThat(fifth.statusCode()).isEqualTo(423);
        assertThat(fifth.headers().firstValue("Retry-After")).hasValue("1800");

        clock.advance(Duration.ofSeconds(100));
        HttpResponse<String> right = withToken(SimHarness.TOKEN);
        assertThat(right.statusCode()).as("even the right token, while locked").isEqualTo(423);
        assertThat(right.headers().firstValue("Retry-After")).hasValue("1700");
        assertThat(sim.info().path("protocol").asText()).as("GET /info still answers").isEqualTo("fieldflash-http/1");
        HttpResponse<String> options = sim.send(HttpRequest.newBuilder(sim.uri("/uploads"))
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody()).build());
        assertThat(options.statusCode()).isEqualTo(204);

        sim.restart();
        HttpResponse<String> afterReboot = withToken(SimHarness.TOKEN);
        assertThat(afterReboot.statusCode()).isEqualTo(423);
        assertThat(afterReboot.headers().firstValue("Retry-After")).hasValue("1700");

        clock.advance(Duration.ofSeconds(1700));
        assertThat(withToken(SimHarness.TOKEN).statusCode()).isEqualTo(200);
        // A fresh count after the lockout.
        for (int i = 1; i <= 4; i++) assertThat(withToken("again" + i).statusCode()).isEqualTo(401);
    }

    @Test
    void theRightTokenResetsTheCount() throws Exception {
        sim = SimHarness.start(dir, b -> b.clock(clock).lockoutAfter(3));
        assertThat(withToken("a").statusCode()).isEqualTo(401);
        assertThat(withToken("b").statusCode()).isEqualTo(401);
        assertThat(withToken(SimHarness.TOKEN).statusCode()).isEqualTo(200);
        assertThat(withToken("c").statusCode()).isEqualTo(401);
        assertThat(withToken("d").statusCode()).isEqualTo(401);
        assertThat(withToken("e").statusCode()).isEqualTo(423);
        assertThat(withToken(null).statusCode()).isEqualTo(423);
    }

    @Test
    void withoutATokenConfiguredNoAuthenticationIsAsked() throws Exception {
        sim = SimHarness.start(dir, b -> b.token(""));
        assertThat(withToken(null).statusCode()).isEqualTo(200);
    }
}
