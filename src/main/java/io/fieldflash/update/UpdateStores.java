package io.fieldflash.update;

import io.fieldflash.AppDirs;
import java.nio.file.Path;

/**
 * Everything an update keeps on this laptop, in the user folder ({@link AppDirs#user()}):
 * {@code resume/}, {@code devices/}, {@code audit.jsonl} (+ {@code audit.head.json}) and {@code settings.json}.
 */
public record UpdateStores(ResumeStore resume, InstalledCounters counters, AuditLog audit, Settings settings) {

    /** The stores under {@code userDir}, with the settings read from there. */
    public static UpdateStores in(Path userDir) {
        return new UpdateStores(new ResumeStore(userDir.resolve("resume")), new InstalledCounters(userDir.resolve("devices")),
                new AuditLog(userDir.resolve(AuditLog.FILE_NAME)), Settings.load(userDir.resolve("settings.json")));
    }

    /** The stores of this user on this laptop. */
    public static UpdateStores detect() {
        return in(AppDirs.detect().user());
    }

    public UpdateStores withSettings(Settings settings) {
        return new UpdateStores(resume, counters, audit, settings);
    }
}
