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

    private final Map<Class<?>, Object> made = new java.util.concurrent.ConcurrentHashMap<>();

    /** The controller of type {@code type} made so far, if any (for controllers that read each other's output). */
    public <C> java.util.Optional<C> controllerOf(Class<C> type) {
        return java.util.Optional.ofNullable(made.get(type)).map(type::cast);
    }

    public <C> Loaded<C> load(FxmlView view) {
        FXMLLoader loader = new FXMLLoader(Views.class.getResource(view.resource()), context.messages());
        loader.setControllerFactory(type -> {
            Function<Views, Object> f = factories.get(type);
            if (f == null) throw new IllegalStateException("no controller factory for " + type.getName());
            Object c = f.apply(this);
            made.put(type, c);
            return c;
        });
        try {
            Parent root = loader.load();
            return new Loaded<>(root, loader.getController());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot load " + view.resource(), e);
        }
    }
}
