package io.fieldflash.device.http;

import io.fieldflash.device.ChunkedTransfer;
import io.fieldflash.device.DeviceException;
import io.fieldflash.device.ImageSource;
import java.net.URI;
import java.util.function.LongConsumer;

/** One tus upload seen as a {@link ChunkedTransfer}. */
final class TusTransfer implements ChunkedTransfer {
    private final TusClient client;
    private final URI location;
    private final ImageSource image;
    private final int chunkSize;
    private final boolean checksum;
    private final boolean resumed;
    private long knownOffset;     // offset known without asking (a fresh upload: 0), -1 once used

    TusTransfer(TusClient client, URI location, ImageSource image, int chunkSize, boolean checksum, boolean resumed, long knownOffset) {
        this.client = client;
        this.location = location;
        this.image = image;
        this.chunkSize = chunkSize;
        this.checksum = checksum;
        this.resumed = resumed;
        this.knownOffset = knownOffset;
    }

    URI location() {
        return location;
    }

    @Override
    public ImageSource image() {
        return image;
    }

    @Override
    public String handle() {
        return location.toString();
    }

    @Override
    public int maxChunkSize() {
        return chunkSize;
    }

    @Override
    public boolean checksummed() {
        return checksum;
    }

    @Override
    public boolean resumed() {
        return resumed;
    }

    @Override
    public long offset() throws DeviceException, InterruptedException {
        if (knownOffset >= 0) {
            long o = knownOffset;
            knownOffset = -1;
            return o;
        }
        TusClient.UploadStatus s = client.head(location);
        if (s.length() >= 0 && s.length() != image.size()) {
            throw new DeviceException(DeviceException.Reason.UPLOAD_GONE, "The upload at " + location + " is " + s.length()
                    + " bytes long, not " + image.size() + ".", "Run the same command again: the image is sent anew.");
        }
        return s.offset();
    }

    @Override
    public long write(long offset, byte[] buf, int off, int len, LongConsumer sent) throws DeviceException, InterruptedException {
        knownOffset = -1;
        return client.patch(location, offset, buf, off, len, checksum, sent);
    }

    @Override
    public void discard() throws DeviceException, InterruptedException {
        client.delete(location);
    }
}
