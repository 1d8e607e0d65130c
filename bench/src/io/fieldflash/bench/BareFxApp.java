package io.fieldflash.bench;

import javafx.application.Application;
import javafx.application.Platform;
import javafx.scene.Scene;
import javafx.scene.control.Label;
import javafx.stage.Stage;

/** The reference for the wizard's start-up: an empty JavaFX window, started the same way. */
public final class BareFxApp extends Application {
    @Override
    public void start(Stage stage) {
        stage.setScene(new Scene(new Label("reference"), 1024, 720));
        stage.setOnShown(e -> Platform.runLater(() -> {
            System.out.println("BENCH shown");
            System.out.flush();
            Platform.exit();
        }));
        stage.show();
    }
}
