package io.fieldflash.ui;

/** Every FXML file of the app, so that no path string is spread through the code. */
public enum FxmlView {
    MAIN("main.fxml"),
    BUNDLE("bundle.fxml"),
    CONNECT("connect.fxml"),
    REVIEW("review.fxml"),
    FLASH("flash.fxml"),
    RESULT("result.fxml");

    private final String file;

    FxmlView(String file) {
        this.file = file;
    }

    public String resource() {
        return "/io/fieldflash/ui/fxml/" + file;
    }
}
