package io.fieldflash.sim;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/** HTTP-date (RFC 9110 IMF-fixdate), e.g. {@code Sun, 06 Nov 1994 08:49:37 GMT}, as {@code Date} and {@code Upload-Expires} use. */
final class HttpDates {
    private HttpDates() {}

    private static final DateTimeFormatter IMF_FIXDATE =
            DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.ENGLISH).withZone(ZoneOffset.UTC);

    static String format(long epochMillis) {
        return IMF_FIXDATE.format(Instant.ofEpochMilli(epochMillis));
    }
}
