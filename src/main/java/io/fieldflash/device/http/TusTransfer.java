package io.fieldflash.device.http;

import io.fieldflash.device.ChunkedTransfer;
import io.fieldflash.device.DeviceException;
import io.fieldflash.device.ImageSource;
import io.fieldflash.device.OffsetChunkedTransfer;
import java.net.URI;
import java.util.function.LongConsumer;

/** One tus upload seen as a {@link ChunkedTransfer}. */
final class TusTransfer extends OffsetChunkedTransfer {
    private final TusClient client;
    private final URI location;
    private final boolean checksum;

    TusTransfer(TusClient client, URI location, ImageSource image, int chunkSize, boolean checksum, boolean resumed, long knownOffset) {
        super(image, chunkSize, resumed, knownOffset);
        this.client = client;
        this.location = location;
        this.checksum = checksum;
    }

    URI location() {
        return location;
    }

    @Override
    public String handle() {
        return location.toString();
    }

    @Override
    public boolean checksummed() {
        return checksum;
    }

    @Override
    protected long askOffset() throws DeviceException, InterruptedException {
        TusClient.UploadStatus s = client.head(location);
        if (s.length() >= 0 && s.length() != image().size()) {
            throw new DeviceException(DeviceException.Reason.UPLOAD_GONE, "The upload at " + location + " is " + s.length()
                    + " bytes long, not " + image().size() + ".", "Run the same command again: the image is sent anew.");
        }
        return s.offset();
    }

    @Override
    protected long writeChunk(long offset, byte[] buf, int off, int len, LongConsumer sent) throws DeviceException, InterruptedException {
        return client.patch(location, offset, buf, off, len, checksum, sent);
    }

    @Override
    public void discard() throws DeviceException, InterruptedException {
        client.delete(location);
    }
}
