package io.fieldflash.update;

/** Receives an {@link UpdateJob}'s events, on the job's event thread. */
@FunctionalInterface
public interface JobListener {
    void onEvent(JobEvent event);
}
