package io.fieldflash.ui;

import io.fieldflash.bundle.VerifiedBundle;
import java.util.Optional;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.SimpleObjectProperty;

/** The state the wizard's steps share; changed only on the FX thread. */
public final class WizardModel {
    private final ReadOnlyObjectWrapper<WizardStep> step = new ReadOnlyObjectWrapper<>(WizardStep.BUNDLE);
    private final ObjectProperty<VerifiedBundle> bundle = new SimpleObjectProperty<>();

    public ReadOnlyObjectProperty<WizardStep> stepProperty() {
        return step.getReadOnlyProperty();
    }

    public WizardStep step() {
        return step.get();
    }

    void goTo(WizardStep s) {
        step.set(s);
    }

    /** The verified bundle chosen in step 1; empty until one passed verification. */
    public ObjectProperty<VerifiedBundle> bundleProperty() {
        return bundle;
    }

    public Optional<VerifiedBundle> bundle() {
        return Optional.ofNullable(bundle.get());
    }
}
