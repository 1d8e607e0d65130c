package io.fieldflash.bundle.inner;

/**
 * The result of checking one image: its format, why it is accepted or refused, a sentence for a person, and the
 * facts found on the way. Also the image's length and SHA-256 as the checker streamed it, so that a caller that
 * checks the manifest's digest need not hash the image a second time.
 *
 * @param detail what exactly is wrong (or what was verified), in FieldFlash's words; image text never appears
 *               in it unescaped
 * @param length the number of bytes the checker was given
 * @param sha256 lowercase hex SHA-256 of those bytes
 */
public record InnerVerdict(InnerFormat format, InnerReason reason, String detail, InnerFacts facts, long length,
                           String sha256) {

    /** True when the image passed every check of its format. */
    public boolean ok() {
        return reason == InnerReason.OK;
    }
}
