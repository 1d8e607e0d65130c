package io.fieldflash.ui.settings;

import io.fieldflash.ui.AppContext;
import io.fieldflash.update.Settings;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import javafx.beans.binding.Bindings;
import javafx.beans.binding.BooleanBinding;
import javafx.geometry.Insets;
import javafx.geometry.Rectangle2D;
import javafx.geometry.Pos;
import javafx.scene.Parent;
import javafx.scene.Scene;
import javafx.scene.control.Button;
import javafx.scene.control.Tab;
import javafx.scene.control.TabPane;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.stage.Modality;
import javafx.stage.Screen;
import javafx.stage.Stage;
import javafx.stage.Window;

/**
 * The settings window: the operator's name, the laptop's trust store, and the vendor's Wi-Fi network patterns, one
 * tab each. Built in code, like the log viewer. It follows the owner window's text size and high-contrast setting
 * (the inline {@code -fx-font-size} and the stylesheets of the owner's root), is modal to the owner, and works with
 * the keyboard alone: Ctrl+Tab moves between tabs, Alt+underlined letter to a field or button, Enter saves the
 * operator name, Esc closes.
 */
public final class SettingsWindow {
    /** The tabs, in order. */
    public enum Page { OPERATOR, TRUST, WIFI, LANGUAGE }

    private final AppContext context;
    private final Stage stage = new Stage();
    private final TabPane tabs = new TabPane();
    private final Tab operatorTab, trustTab, wifiTab, languageTab;
    private final LanguagePane language;
    private final OperatorPane operator;
    private final TrustPane trust;
    private final WifiPane wifi;
    private final Dialogs dialogs;
    private final BooleanBinding unsaved;
    private final Parent ownerRoot;
    private final BorderPane root;

    /**
     * @param context     the app's context (folders, messages, background executor)
     * @param owner       the wizard's window
     * @param stylesheets the stylesheets of the wizard's scene
     */
    public SettingsWindow(AppContext context, Window owner, List<String> stylesheets) {
        this.context = context;
        this.dialogs = new Dialogs(context, stage);
        ownerRoot = owner.getScene() == null ? null : owner.getScene().getRoot();
        double em = ownerRoot == null ? 14 : Dialogs.fontSize(ownerRoot);
        SettingsFile file = new SettingsFile(Settings.file(context.dirs().user()));
        operator = new OperatorPane(context, file, dialogs);
        trust = new TrustPane(context, dialogs, Clock.systemDefaultZone(), em);
        wifi = new WifiPane(context, file, dialogs);
        language = new LanguagePane(context, file.path(), dialogs);

        operatorTab = tab("settings.tab.operator", operator.root(), "tab-operator");
        trustTab = tab("settings.tab.trust", trust.root(), "tab-trust");
        wifiTab = tab("settings.tab.wifi", wifi.root(), "tab-wifi");
        languageTab = tab("settings.tab.language", language.root(), "tab-language");
        tabs.getTabs().setAll(operatorTab, trustTab, wifiTab, languageTab);
        tabs.setTabClosingPolicy(TabPane.TabClosingPolicy.UNAVAILABLE);
        operator.save.defaultButtonProperty().bind(tabs.getSelectionModel().selectedItemProperty().isEqualTo(operatorTab));

        Button close = new Button(context.text("common.close"));
        close.setId("settings-close");
        close.setCancelButton(true);
        close.setOnAction(e -> requestClose());
        Region grow = new Region();
        HBox.setHgrow(grow, Priority.ALWAYS);
        HBox bar = new HBox(10, grow, close);
        bar.setAlignment(Pos.CENTER_RIGHT);
        bar.setPadding(new Insets(8, 12, 10, 12));
        bar.getStyleClass().add("nav-bar");

        root = new BorderPane(tabs, null, null, bar, null);
        root.getStyleClass().add("settings-window");
        Rectangle2D screen = Screen.getPrimary().getVisualBounds();
        Scene scene = new Scene(root, Math.min(Math.max(900, 74 * em), screen.getWidth()),
                Math.min(Math.max(560, 42 * em), screen.getHeight()));
        scene.getStylesheets().addAll(stylesheets);
        if (ownerRoot != null) {
            // A−/A+ and high contrast act on the wizard's root: follow them while open
            root.styleProperty().bind(ownerRoot.styleProperty());
            Bindings.bindContent(root.getStylesheets(), ownerRoot.getStylesheets());
        }
        stage.setScene(scene);
        stage.setTitle(context.text("settings.title"));
        stage.initOwner(owner);
        stage.initModality(Modality.WINDOW_MODAL);
        stage.setOnCloseRequest(e -> {
            e.consume();
            requestClose();
        });
        stage.setOnHidden(e -> release());

        unsaved = operator.changed().or(wifi.changed());
    }

    private Tab tab(String key, Parent content, String id) {
        Tab t = new Tab(context.text(key), content);
        t.setId(id);
        return t;
    }

    /** Shows the window on its first tab and reads the settings and the trust store in the background. */
    public void show() {
        show(Page.OPERATOR);
    }

    /** Shows the window on {@code page} (e.g. {@link Page#TRUST} after a bundle was refused as untrusted). */
    public void show(Page page) {
        tabs.getSelectionModel().select(switch (page) {
            case OPERATOR -> operatorTab;
            case TRUST -> trustTab;
            case WIFI -> wifiTab;
            case LANGUAGE -> languageTab;
        });
        operator.load();
        wifi.load();
        language.load();
        trust.refresh();
        stage.show();
        stage.toFront();
    }

    /** Closes the window, first asking whether to drop changes that were not saved. */
    void requestClose() {
        if (!unsaved.get()) {
            stage.hide();
            return;
        }
        dialogs.confirm(context.text("settings.unsaved.header"), context.text("settings.unsaved.text"),
                context.text("settings.unsaved.discard"), stage::hide);
    }

    private void release() {
        if (ownerRoot != null) {
            root.styleProperty().unbind();
            Bindings.unbindContent(root.getStylesheets(), ownerRoot.getStylesheets());
        }
    }

    // ---- entry points without a file chooser (the buttons call these after the chooser), for tests ----

    void importKey(Path file) {
        tabs.getSelectionModel().select(trustTab);
        trust.importKey(file);
    }

    /**
     * Shows the window on its trust page and imports a vendor's key: {@code file}, or one the person chooses when it is
     * null (the Bundle page's "Import vendor key…"). The wizard re-checks its bundle when the key is added.
     */
    public void showImportKey(Path file) {
        show(Page.TRUST);
        if (file != null) trust.importKey(file);
        else trust.chooseKey();
    }

    void applyUpdate(Path file) {
        tabs.getSelectionModel().select(trustTab);
        trust.applyUpdate(file);
    }

    Stage stage() {
        return stage;
    }

    OperatorPane operator() {
        return operator;
    }

    TrustPane trust() {
        return trust;
    }

    LanguagePane language() {
        return language;
    }

    WifiPane wifi() {
        return wifi;
    }
}
