package io.fieldflash.ui;

import javafx.beans.value.ObservableBooleanValue;

/** A wizard step's controller, as the main window sees it. */
public interface StepController {
    /** True when the user may go on to the next step. */
    ObservableBooleanValue canProceed();

    /** Called each time the step is shown. */
    default void entered() {}
}
