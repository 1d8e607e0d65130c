package io.fieldflash.bench;

/** Starts {@link BareFxApp} from the class path (a main class that is an Application cannot be launched so). */
public final class BareFxLauncher {
    public static void main(String[] args) {
        javafx.application.Application.launch(BareFxApp.class, args);
    }
}
