package io.fieldflash.ui;

import javafx.beans.value.ObservableBooleanValue;

/** A wizard step's controller, as the main window sees it. */
public interface StepController {
    /** True when the user may go on to the next step. */
    ObservableBooleanValue canProceed();

    /** Called each time the step is shown. */
    default void entered() {}

    /** False on a page the user must not leave backwards (e.g. while an update runs). */
    default boolean allowsBack() {
        return true;
    }

    /** The Next button's text on this step, when it is not the usual "Next". */
    default java.util.Optional<String> nextText() {
        return java.util.Optional.empty();
    }
}
