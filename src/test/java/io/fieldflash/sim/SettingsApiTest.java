package io.fieldflash.sim;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fieldflash.bundle.Json;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code /settings} on the simulated device, over real HTTP: the token, the shapes it refuses, and its answers. */
class SettingsApiTest {
    static final String TOKEN = "s3cret-token";

    @TempDir
    Path dir;
    SimulatedDevice device;
    HttpClient http;

    @BeforeEach
    void start() throws Exception {
        device = SimulatedDevice.start(SimulatorConfig.builder(dir).token(TOKEN).deviceId("3b00aa").logRequests(false).build());
        http = HttpClient.newHttpClient();
    }

    @AfterEach
    void stop() {
        http.close();
        device.close();
    }

    HttpResponse<String> send(String method, String path, String body, boolean token) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(device.baseUri() + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (token) b.header("Authorization", "Bearer " + TOKEN);
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void infoSaysSoAndTheSettingsNeedTheToken() throws Exception {
        assertThat(Json.MAPPER.readTree(send("GET", "/info", null, false).body()).get("settings").asBoolean()).isTrue();
        assertThat(send("GET", "/settings", null, false).statusCode()).isEqualTo(401);
        assertThat(send("PUT", "/settings", "{\"values\":{\"gateUpDelay\":5}}", false).statusCode()).isEqualTo(401);
        HttpResponse<String> ok = send("GET", "/settings", null, true);
        assertThat(ok.statusCode()).isEqualTo(200);
        JsonNode n = Json.MAPPER.readTree(ok.body());
        assertThat(n.get("schema")).hasSize(8);
        assertThat(n.at("/values/serialNumber").asText()).isEqualTo("CCX-3B00AA");
    }

    @Test
    void malformedOversizedAndRefusedChangesChangeNothing() throws Exception {
        assertThat(send("PUT", "/settings", "{not json", true).statusCode()).isEqualTo(400);
        assertThat(send("PUT", "/settings", "[1,2]", true).statusCode()).isEqualTo(400);
        assertThat(send("PUT", "/settings", "{\"values\":{}}", true).statusCode()).isEqualTo(400);
        assertThat(send("PUT", "/settings", "{\"values\":{\"siteName\":\"" + "x".repeat(70_000) + "\"}}", true).statusCode()).isEqualTo(413);
        assertThat(send("POST", "/settings", "{}", true).statusCode()).isEqualTo(405);

        HttpResponse<String> refused = send("PUT", "/settings", "{\"values\":{\"gateUpDelay\":5,\"timeZone\":\"Mars/Olympus\"}}", true);
        assertThat(refused.statusCode()).isEqualTo(422);
        JsonNode r = Json.MAPPER.readTree(refused.body());
        assertThat(r.get("error").asText()).isEqualTo("INVALID_SETTING");
        assertThat(r.get("field").asText()).isEqualTo("timeZone");
        assertThat(r.get("message").asText()).isNotBlank();
        assertThat(Json.MAPPER.readTree(send("GET", "/settings", null, true).body()).at("/values/gateUpDelay").asLong()).isEqualTo(4);

        HttpResponse<String> ok = send("PUT", "/settings", "{\"values\":{\"gateUpDelay\":5,\"apPassword\":\"correct horse\"}}", true);
        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(ok.body()).doesNotContain("correct horse").contains("\"gateUpDelay\":5");
        assertThat(Json.MAPPER.readTree(ok.body()).at("/schema/6/set").asBoolean()).isTrue();
    }
}
