package io.fieldflash.ui.depot;

import javafx.beans.property.BooleanProperty;
import javafx.beans.property.DoubleProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleDoubleProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;

/**
 * One unit of the depot view: its port, what it is, how far it got and how it ended. Changed on the FX thread only.
 */
final class UnitRow {
    /** Where a row stands. */
    enum State { WAITING, RUNNING, DONE, FAILED }

    final String path;
    final String name;
    final StringProperty unit = new SimpleStringProperty("");
    final StringProperty status = new SimpleStringProperty("");
    final DoubleProperty progress = new SimpleDoubleProperty(0);
    final StringProperty speed = new SimpleStringProperty("");
    final StringProperty result = new SimpleStringProperty("");
    final ObjectProperty<State> state = new SimpleObjectProperty<>(State.WAITING);
    final BooleanProperty retryable = new SimpleBooleanProperty(false);

    UnitRow(String path, String name) {
        this.path = path;
        this.name = name;
        state.addListener((o, was, now) -> retryable.set(now == State.FAILED));
    }

    /** Back to the start, for a new attempt. */
    void reset(String waiting) {
        unit.set("");
        status.set(waiting);
        progress.set(0);
        speed.set("");
        result.set("");
        state.set(State.RUNNING);
    }
}
