package io.fieldflash.update;

import static org.assertj.core.api.Assertions.assertThat;

import io.fieldflash.bundle.ImageSpec;
import io.fieldflash.bundle.VerifiedBundle;
import io.fieldflash.testing.TestBundles;
import java.io.InputStream;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link CheckedImage#verified()}: the install step's proof that the bytes this job read matched the manifest to their
 * end belongs to the streams this job opened, also when parallel jobs (the depot's) share one verified bundle.
 */
class CheckedImageTest {
    @TempDir
    Path tmp;

    @Test
    void anotherJobsStreamReadToTheEndDoesNotAnswerForThisOne() throws Exception {
        VerifiedBundle shared = TestBundles.make(tmp, "2.0.0", 3, 50_000, 11).bundle();
        ImageSpec spec = shared.manifest().images().getFirst();
        CheckedImage stopped = new CheckedImage(shared, spec);
        CheckedImage finished = new CheckedImage(shared, spec);

        try (InputStream partial = stopped.open(0)) {
            partial.readNBytes((int) spec.size() / 2);
            // the other unit's job opens its stream later and reads the whole image
            try (InputStream whole = finished.open(0)) {
                assertThat(whole.readNBytes((int) spec.size())).hasSize((int) spec.size());
            }
        }
        assertThat(finished.verified()).isTrue();
        assertThat(stopped.verified()).as("half an image read, whatever another job read").isFalse();
    }

    @Test
    void aNewerStreamResetsTheVerdictUntilItTooReachesTheEnd() throws Exception {
        VerifiedBundle vb = TestBundles.make(tmp, "2.0.0", 3, 50_000, 12).bundle();
        ImageSpec spec = vb.manifest().images().getFirst();
        CheckedImage image = new CheckedImage(vb, spec);
        assertThat(image.verified()).as("nothing read yet").isFalse();
        try (InputStream in = image.open(0)) {
            in.readNBytes((int) spec.size());
        }
        assertThat(image.verified()).isTrue();
        try (InputStream resumed = image.open(spec.size() - 100)) {
            assertThat(image.verified()).as("a resumed read, not at its end yet").isFalse();
            assertThat(resumed.readNBytes(100)).hasSize(100);
            assertThat(image.verified()).isTrue();
        }
    }
}
