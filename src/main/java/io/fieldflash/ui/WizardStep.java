package io.fieldflash.ui;

/** The steps of the update wizard, in order. */
public enum WizardStep {
    BUNDLE, CONNECT, REVIEW, FLASH, RESULT;

    /** Resource-bundle key of the step's short title. */
    public String titleKey() {
        return "step." + name().toLowerCase(java.util.Locale.ROOT);
    }
}
