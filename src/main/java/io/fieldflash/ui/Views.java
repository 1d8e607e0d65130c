package io.fieldflash.ui;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.function.Function;
import javafx.fxml.FXMLLoader;
import javafx.scene.Parent;

/**
 * Loads FXML views with constructor injection: each controller class is made by a factory given the
 * {@link AppContext} and the {@link WizardModel}, so controllers have final fields and no statics.
 */
public final class Views {
    private final AppContext context;
    private final Map<Class<?>, Function<Views, Object>> factories;

    public Views(AppContext context, Map<Class<?>, Function<Views, Object>> factories) {
        this.context = context;
        this.factories = Map.copyOf(factories);
    }

    public AppContext context() {
        return context;
    }

    /** A loaded view with its controller. */
    public record Loaded<C>(Parent root, C controller) {}

    public <C> Loaded<C> load(FxmlView view) {
        FXMLLoader loader = new FXMLLoader(Views.class.getResource(view.resource()), context.messages());
        loader.setControllerFactory(type -> {
            Function<Views, Object> f = factories.get(type);
            if (f == null) throw new IllegalStateException("no controller factory for " + type.getName());
            return f.apply(this);
        });
        try {
            Parent root = loader.load();
            return new Loaded<>(root, loader.getController());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot load " + view.resource(), e);
        }
    }
}
