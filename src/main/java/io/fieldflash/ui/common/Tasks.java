package io.fieldflash.ui.common;

import java.util.concurrent.ExecutorService;
import java.util.function.Consumer;
import javafx.concurrent.Task;

/** Runs {@link Task}s on a background executor with callbacks on the FX thread. */
public final class Tasks {
    private Tasks() {}

    /** Starts {@code task}; exactly one of the callbacks runs on the FX thread when it ends. */
    public static <T> Task<T> run(ExecutorService executor, Task<T> task, Consumer<T> onSuccess,
                                  Consumer<Throwable> onFailure, Runnable onCancel) {
        task.setOnSucceeded(e -> onSuccess.accept(task.getValue()));
        task.setOnFailed(e -> onFailure.accept(task.getException()));
        task.setOnCancelled(e -> onCancel.run());
        executor.execute(task);
        return task;
    }
}
