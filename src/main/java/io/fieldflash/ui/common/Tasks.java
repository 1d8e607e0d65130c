package io.fieldflash.ui.common;

import java.util.concurrent.ExecutorService;
import java.util.function.Consumer;
import javafx.concurrent.Task;

/** Runs {@link Task}s on a background executor with callbacks on the FX thread. */
public final class Tasks {
    private Tasks() {}

    /**
     * Starts {@code task}; exactly one of the callbacks runs on the FX thread when it ends (the cancel one when the
     * executor was already shut down, as it is while the app closes).
     */
    public static <T> Task<T> run(ExecutorService executor, Task<T> task, Consumer<T> onSuccess,
                                  Consumer<Throwable> onFailure, Runnable onCancel) {
        task.setOnSucceeded(e -> onSuccess.accept(task.getValue()));
        task.setOnFailed(e -> onFailure.accept(task.getException()));
        task.setOnCancelled(e -> onCancel.run());
        try {
            executor.execute(task);
        } catch (java.util.concurrent.RejectedExecutionException closing) {
            task.cancel(false);   // the app is closing: nothing more is started
        }
        return task;
    }
}
