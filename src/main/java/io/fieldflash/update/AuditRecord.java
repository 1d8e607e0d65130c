package io.fieldflash.update;

import java.time.Instant;
import java.util.List;

/**
 * One update as the audit log keeps it. Texts are empty where a job ended before learning them (a bundle that
 * failed verification has no vendor; a device that never answered has no id).
 *
 * @param time             when the job ended
 * @param operator         who ran it ({@code settings.json}, by default the OS user name)
 * @param host             this laptop's host name
 * @param bundleFile       the bundle's file name
 * @param vendor           from the manifest
 * @param product          from the manifest
 * @param version          from the manifest
 * @param manifestSha256   SHA-256 of the manifest (identifies the bundle's content)
 * @param signers          keyids of the keys whose signatures were accepted
 * @param expiryOverridden the operator accepted an expired bundle
 * @param deviceId         the device's id
 * @param transport        e.g. {@code fieldflash-http/1}
 * @param deviceAddress    e.g. {@code http://192.168.4.1}
 * @param versionBefore    firmware before
 * @param versionAfter     firmware after (same as before unless updated)
 * @param result           the outcome, e.g. {@code UPDATED}
 * @param reason           the reason code when it did not update, else empty
 * @param bytesSent        payload bytes put on the wire, retransmissions included
 * @param resumes          times the transfer continued after a break or from an earlier run
 * @param seconds          how long the job took
 * @param fellBackFrom     the transports tried first whose path failed, in order, before {@code transport} took over
 *                         (the network path before USB-serial, see {@link Fallback}); empty when there was no fallback
 * @param unitConfirmed    the connection could not tell which product the unit is (a ROM bootloader), and the
 *                         technician confirmed by hand that it is the right one before the update started
 * @param downgradeConfirmed the operator confirmed installing an older version than the device ran (same or higher
 *                         security counter); false when the bundle was no version downgrade
 */
public record AuditRecord(Instant time, String operator, String host, String bundleFile, String vendor, String product,
                          String version, String manifestSha256, List<String> signers, boolean expiryOverridden,
                          String deviceId, String transport, String deviceAddress, String versionBefore, String versionAfter,
                          String result, String reason, long bytesSent, int resumes, double seconds,
                          List<FirstTry> fellBackFrom, boolean unitConfirmed, boolean downgradeConfirmed) {
    public AuditRecord {
        signers = List.copyOf(signers);
        fellBackFrom = List.copyOf(fellBackFrom);
    }

    /** A record of a job that ran over one transport only. */
    public AuditRecord(Instant time, String operator, String host, String bundleFile, String vendor, String product,
                       String version, String manifestSha256, List<String> signers, boolean expiryOverridden,
                       String deviceId, String transport, String deviceAddress, String versionBefore, String versionAfter,
                       String result, String reason, long bytesSent, int resumes, double seconds) {
        this(time, operator, host, bundleFile, vendor, product, version, manifestSha256, signers, expiryOverridden, deviceId,
                transport, deviceAddress, versionBefore, versionAfter, result, reason, bytesSent, resumes, seconds, List.of(), false, false);
    }

    /** A record of a job that ran over one transport only, with or without a confirmed downgrade. */
    public AuditRecord(Instant time, String operator, String host, String bundleFile, String vendor, String product,
                       String version, String manifestSha256, List<String> signers, boolean expiryOverridden,
                       String deviceId, String transport, String deviceAddress, String versionBefore, String versionAfter,
                       String result, String reason, long bytesSent, int resumes, double seconds, boolean downgradeConfirmed) {
        this(time, operator, host, bundleFile, vendor, product, version, manifestSha256, signers, expiryOverridden, deviceId,
                transport, deviceAddress, versionBefore, versionAfter, result, reason, bytesSent, resumes, seconds, List.of(), false,
                downgradeConfirmed);
    }

    /** A record of a job that installed no older version (no downgrade to confirm). */
    public AuditRecord(Instant time, String operator, String host, String bundleFile, String vendor, String product,
                       String version, String manifestSha256, List<String> signers, boolean expiryOverridden,
                       String deviceId, String transport, String deviceAddress, String versionBefore, String versionAfter,
                       String result, String reason, long bytesSent, int resumes, double seconds, List<FirstTry> fellBackFrom,
                       boolean unitConfirmed) {
        this(time, operator, host, bundleFile, vendor, product, version, manifestSha256, signers, expiryOverridden, deviceId,
                transport, deviceAddress, versionBefore, versionAfter, result, reason, bytesSent, resumes, seconds, fellBackFrom,
                unitConfirmed, false);
    }

    /**
     * A transport whose path failed before the job went on over another one.
     *
     * @param transport e.g. {@code fieldflash-http/1}
     * @param address   e.g. {@code http://192.168.4.1}
     * @param deviceId  the id the device gave over it; empty when it never answered
     * @param reason    the failure's reason code, e.g. {@code UNREACHABLE}
     */
    public record FirstTry(String transport, String address, String deviceId, String reason) {}

    /** Every transport of the job in order: those that failed first, then the one that finished it. */
    public List<String> transports() {
        List<String> out = new java.util.ArrayList<>();
        fellBackFrom.forEach(f -> out.add(f.transport()));
        out.add(transport);
        return List.copyOf(out);
    }

    /** A record without a confirmation by hand (the connection identified the unit, or nobody was asked). */
    public AuditRecord(Instant time, String operator, String host, String bundleFile, String vendor, String product,
                       String version, String manifestSha256, List<String> signers, boolean expiryOverridden,
                       String deviceId, String transport, String deviceAddress, String versionBefore, String versionAfter,
                       String result, String reason, long bytesSent, int resumes, double seconds, List<FirstTry> fellBackFrom) {
        this(time, operator, host, bundleFile, vendor, product, version, manifestSha256, signers, expiryOverridden, deviceId,
                transport, deviceAddress, versionBefore, versionAfter, result, reason, bytesSent, resumes, seconds, fellBackFrom, false, false);
    }
}
