package io.fieldflash.device.viperhttp;

import com.fasterxml.jackson.databind.JsonNode;
import io.fieldflash.device.ChunkedTransfer;
import io.fieldflash.device.DeviceException;
import io.fieldflash.device.DeviceException.Reason;
import io.fieldflash.device.ImageSource;
import io.fieldflash.device.OffsetChunkedTransfer;
import java.time.Duration;
import java.util.function.LongConsumer;

/**
 * The device's OTA session seen as a {@link ChunkedTransfer}: chunks go to {@code POST /ota/chunk?offset=N}, the offset
 * comes from {@code GET /ota/status}. The device takes only the next byte ({@code 409 offset mismatch} otherwise), so
 * after a break the sender asks and continues there.
 */
final class ViperHttpTransfer extends OffsetChunkedTransfer {
    private final ViperHttpSession session;

    ViperHttpTransfer(ViperHttpSession session, ImageSource image, int chunkSize, boolean resumed, long knownOffset) {
        super(image, chunkSize, resumed, knownOffset);
        this.session = session;
    }

    /** Empty: the device's own session is the record to continue from (found again through its status). */
    @Override
    public String handle() {
        return "";
    }

    @Override
    public boolean checksummed() {
        return false;
    }

    @Override
    protected long askOffset() throws DeviceException, InterruptedException {
        JsonNode s = session.status().path("session");
        if (!s.path("active").asBoolean(false)) throw gone("it holds no active session (it may have restarted)");
        if (s.path("expected_size").asLong(-1) != image().size() || !s.path("expected_sha256").asText("").equalsIgnoreCase(image().sha256())) {
            throw gone("its session is for another image now");
        }
        return s.path("written_bytes").asLong(0);
    }

    @Override
    protected long writeChunk(long offset, byte[] buf, int off, int len, LongConsumer sent) throws DeviceException, InterruptedException {
        ViperClient c = session.client();
        sent.accept(len);
        ViperClient.Answer a = c.postBytes(session.chunkRoute + "?offset=" + offset, buf, off, len);
        if (a.status() == 404 && session.chunkRoute.equals("/chunk")) {
            session.chunkRoute = "/write";       // a device built after the documentation
            sent.accept(len);
            a = c.postBytes(session.chunkRoute + "?offset=" + offset, buf, off, len);
        }
        if (a.ok()) {
            JsonNode w = a.json().path("session").path("written_bytes");
            return w.canConvertToLong() ? w.asLong() : offset + len;
        }
        if (a.status() == 409) {
            if (a.detail().contains("offset")) {
                throw new DeviceException(Reason.OFFSET_MISMATCH, "The device at " + c.address() + " holds another offset than "
                        + offset + ViperClient.quoted(a) + ".", "FieldFlash asks the device where it stands and continues there.",
                        null, 409, "", Duration.ZERO);
            }
            if (a.detail().contains("not active")) throw gone("its session ended" + ViperClient.quoted(a));
        }
        throw c.failure(a, "POST /ota" + session.chunkRoute);
    }

    @Override
    public void discard() throws DeviceException, InterruptedException {
        session.abort();
    }

    private DeviceException gone(String why) {
        return new DeviceException(Reason.UPLOAD_GONE, "The device at " + session.client().address() + " no longer holds the transfer: "
                + why + ".", "Run the same command again: the image is sent anew.");
    }
}
