package io.fieldflash.ui.configure;

import io.fieldflash.device.http.SettingSpec;
import io.fieldflash.device.http.SettingType;
import io.fieldflash.device.http.SettingValue;
import java.util.Optional;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.value.ObservableValue;
import org.controlsfx.control.PropertySheet;

/**
 * One device setting as a row of the form: what the device holds and what the person has typed. A bool is edited as
 * a {@link Boolean}, everything else as text; a secret's text is empty until a new one is typed.
 */
final class SettingItem implements PropertySheet.Item {
    final SettingSpec spec;
    final SettingValue original;
    private final String description;
    private final ObjectProperty<Object> value = new SimpleObjectProperty<>();

    SettingItem(SettingSpec spec, SettingValue original, String description) {
        this.spec = spec;
        this.original = original;
        this.description = description;
        // a value that is only shown is shown escaped; one that can be edited must stay the device's own text
        value.set(spec.readOnly() ? io.fieldflash.Printable.cut(editable(original).toString(), SettingSpec.MAX_TEXT) : editable(original));
    }

    /** The form's value for what the device holds. */
    static Object editable(SettingValue v) {
        return switch (v) {
            case SettingValue.Text t -> t.text();
            case SettingValue.Whole w -> Long.toString(w.number());
            case SettingValue.Flag f -> f.on();
            case SettingValue.Hidden h -> "";
        };
    }

    /** The text of the field as typed ({@code true}/{@code false} for a bool). */
    String typed() {
        Object v = value.get();
        return v == null ? "" : v.toString();
    }

    /** True when the person changed this setting (a secret: typed a new one). */
    boolean changed() {
        if (spec.readOnly()) return false;
        if (spec.type() == SettingType.SECRET) return !typed().isEmpty();
        return !typed().equals(editable(original).toString());
    }

    @Override
    public Class<?> getType() {
        return spec.type() == SettingType.BOOL ? Boolean.class : String.class;
    }

    @Override
    public String getCategory() {
        return "";
    }

    @Override
    public String getName() {
        return spec.shownLabel() + (spec.unit().isEmpty() ? "" : " (" + spec.shownUnit() + ")");
    }

    @Override
    public String getDescription() {
        return description;
    }

    @Override
    public Object getValue() {
        return value.get();
    }

    @Override
    public void setValue(Object v) {
        value.set(v);
    }

    @Override
    public Optional<ObservableValue<?>> getObservableValue() {
        return Optional.of(value);
    }

    @Override
    public boolean isEditable() {
        return !spec.readOnly();
    }
}
