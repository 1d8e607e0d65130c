package io.fieldflash.update;

import io.fieldflash.bundle.Manifest;
import io.fieldflash.bundle.TrustedKey;
import io.fieldflash.bundle.VerifiedBundle;
import java.io.IOException;
import java.net.InetAddress;
import java.time.Instant;
import java.util.List;

/** The audit record of one {@link UpdateJob}: what the job learnt of the bundle and the device, and how it ended. */
final class JobAudit {
    private JobAudit() {}

    /** This laptop's name, for the audit log. */
    static final String HOST = hostName();

    /**
     * @param fellBackFrom  the transports whose path failed before the one in use ({@link FallbackStep})
     * @param unitConfirmed the technician confirmed by hand that the unit is the right one
     */
    static AuditRecord record(JobResult r, BundleSource source, JobContext run, List<AuditRecord.FirstTry> fellBackFrom,
                              boolean unitConfirmed) {
        VerifiedBundle vb = run.bundle;
        Manifest m = vb == null ? null : vb.manifest();
        List<String> signers = vb == null ? List.of() : vb.signers().stream().map(TrustedKey::keyid).toList();
        String file = switch (source) {
            case BundleSource.Verified v -> v.bundle().path().getFileName().toString();
            case BundleSource.File f -> f.path().getFileName().toString();
        };
        return new AuditRecord(Instant.now(), run.stores.settings().operator(), HOST, file,
                m == null ? "" : m.vendor(), m == null ? "" : m.product(), m == null ? "" : m.version(),
                vb == null ? "" : vb.manifestSha256(), signers, vb != null && vb.expiryOverridden(),
                r.deviceId(), run.device.transport(), run.device.address(), r.versionBefore(), r.versionAfter(),
                r.outcome().name(), r.reason(), r.bytesSent(), r.resumes(), r.elapsed().toMillis() / 1000.0, fellBackFrom,
                unitConfirmed, run.downgradeConfirmed);
    }

    private static String hostName() {
        String env = System.getenv(System.getProperty("os.name", "").toLowerCase().contains("win") ? "COMPUTERNAME" : "HOSTNAME");
        if (env != null && !env.isBlank()) return env;
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "unknown";
        }
    }
}
