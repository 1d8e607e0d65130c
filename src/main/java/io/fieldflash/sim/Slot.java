package io.fieldflash.sim;

/** The two firmware slots of the emulated flash. */
public enum Slot {
    A, B;

    public Slot other() {
        return this == A ? B : A;
    }

    /**
     * The file holding {@code image} in this slot: {@code A.bin} for the main image {@code app}, {@code A.<image>.bin}
     * for any other image of a multi-image bundle.
     */
    public String fileName(String image) {
        return image.equals(MAIN_IMAGE) ? name() + ".bin" : name() + "." + image + ".bin";
    }

    /** The name of the main image, the one {@code A.bin} and {@code B.bin} hold. */
    public static final String MAIN_IMAGE = "app";
}
