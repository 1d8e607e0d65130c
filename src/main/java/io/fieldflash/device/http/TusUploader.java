package io.fieldflash.device.http;

import io.fieldflash.device.ChunkSender;
import io.fieldflash.device.DeviceException;
import io.fieldflash.device.ImageSource;
import io.fieldflash.device.RetryPolicy;
import io.fieldflash.device.TransferControl;
import io.fieldflash.device.TransferListener;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.random.RandomGenerator;

/**
 * Uploads a file to a bare tus 1.0.0 server (no fieldflash-http/1 around it): asks what the server offers,
 * creates or resumes an upload, and sends it in chunks with the same {@link ChunkSender} the update job uses.
 * Sends {@code Upload-Checksum} only when the server announces the checksum extension with sha256
 * ({@code @tus/server} with a file store, for one, does not).
 */
public final class TusUploader {

    /**
     * @param location    the upload's URL (keep it to resume later)
     * @param bytesSent   payload bytes put on the wire, retransmissions included
     * @param resumes     times the upload continued from the server's offset
     * @param checksummed true when every chunk carried {@code Upload-Checksum}
     */
    public record Upload(URI location, long bytesSent, int resumes, boolean checksummed) {}

    private final URI endpoint;
    private final String token;
    private final HttpSettings settings;
    private final RetryPolicy retry;

    /**
     * @param endpoint the server's upload collection, e.g. {@code http://127.0.0.1:1080/files}
     * @param token    bearer token; empty to send none
     */
    public TusUploader(URI endpoint, String token, HttpSettings settings, RetryPolicy retry) {
        this.endpoint = endpoint;
        this.token = token;
        this.settings = settings;
        this.retry = retry;
    }

    /**
     * Uploads {@code image}, continuing the upload at {@code resumeFrom} (empty: start a new one) when the server
     * still holds it with the same length.
     */
    public Upload upload(ImageSource image, String resumeFrom, TransferListener listener)
            throws DeviceException, IOException, InterruptedException {
        String address = endpoint.getScheme() + "://" + endpoint.getRawAuthority();
        try (HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(settings.connectTimeout()).followRedirects(HttpClient.Redirect.NEVER).build()) {
            TusClient tus = new TusClient(new Exchange(http, address), endpoint, token, settings);
            TusClient.ServerOptions options = tus.options();
            if (!options.extensions().contains("creation")) {
                throw DeviceException.protocol(address, "the tus server does not offer the creation extension");
            }
            if (options.maxSize() > 0 && image.size() > options.maxSize()) {
                throw new DeviceException(DeviceException.Reason.TOO_LARGE, "The server at " + address + " accepts at most "
                        + options.maxSize() + " bytes; the image has " + image.size() + ".", "");
            }
            boolean checksum = options.checksSha256();
            TusTransfer transfer = null;
            if (!resumeFrom.isEmpty()) {
                URI previous = endpoint.resolve(resumeFrom);
                try {
                    TusClient.UploadStatus s = tus.head(previous);
                    if (s.length() == image.size()) {
                        transfer = new TusTransfer(tus, previous, image, settings.chunkSize(), checksum, true, s.offset());
                    }
                } catch (DeviceException e) {
                    if (e.reason() != DeviceException.Reason.UPLOAD_GONE) throw e;
                }
            }
            if (transfer == null) {
                Map<String, String> meta = new LinkedHashMap<>();
                meta.put("filename", image.name());
                meta.put("image", image.name());
                meta.put("sha256", image.sha256());
                transfer = new TusTransfer(tus, tus.create(image.size(), meta), image, settings.chunkSize(), checksum, false, 0);
            }
            ChunkSender.Result r = new ChunkSender(retry, TransferControl.NONE, listener, RandomGenerator.getDefault()).send(transfer);
            return new Upload(transfer.location(), r.bytesSent(), r.resumes(), checksum);
        }
    }
}
