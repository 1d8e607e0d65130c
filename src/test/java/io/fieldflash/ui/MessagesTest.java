package io.fieldflash.ui;

import static org.assertj.core.api.Assertions.assertThat;

import io.fieldflash.bundle.ReasonCode;
import io.fieldflash.update.JobResult;
import io.fieldflash.update.Phase;
import io.fieldflash.update.UpdateRefusedException;
import java.util.ResourceBundle;
import org.junit.jupiter.api.Test;

/** Every closed set the wizard names in words has its words in the resource bundle. */
class MessagesTest {
    private final ResourceBundle messages = ResourceBundle.getBundle("io.fieldflash.ui.messages");

    @Test
    void everyPhaseReasonRefusalOutcomeAndStepHasText() {
        for (Phase p : Phase.values()) assertThat(messages.containsKey("phase." + p.name())).as(p.name()).isTrue();
        for (ReasonCode r : ReasonCode.values()) assertThat(messages.containsKey("reason." + r.name())).as(r.name()).isTrue();
        for (io.fieldflash.bundle.inner.InnerReason r : io.fieldflash.bundle.inner.InnerReason.values()) {
            assertThat(messages.containsKey("inner." + r.code())).as(r.code()).isTrue();
        }
        for (UpdateRefusedException.Reason r : UpdateRefusedException.Reason.values()) {
            assertThat(messages.containsKey("refusal." + r.name())).as(r.name()).isTrue();
        }
        for (JobResult.Outcome o : JobResult.Outcome.values()) {
            assertThat(messages.containsKey("result." + o.name().toLowerCase(java.util.Locale.ROOT))).as(o.name()).isTrue();
        }
        for (WizardStep s : WizardStep.values()) assertThat(messages.containsKey(s.titleKey())).as(s.name()).isTrue();
    }
}
