package io.fieldflash.update;

import io.fieldflash.bundle.TrustStore;
import io.fieldflash.bundle.VerifiedBundle;
import java.nio.file.Path;

/** The bundle an update installs: one already verified, or a file the job verifies first. */
public sealed interface BundleSource {

    /** A bundle verified earlier (e.g. on the wizard's first page). */
    record Verified(VerifiedBundle bundle) implements BundleSource {}

    /** A file to verify against {@code trust} as the job's first step. */
    record File(Path path, TrustStore trust, boolean allowExpired) implements BundleSource {}
}
