package io.fieldflash.sim;

import java.util.SplittableRandom;

/** What goes wrong with one PATCH, decided before its body is read. */
sealed interface PatchFault {
    /** Nothing: the body arrives whole. */
    record None() implements PatchFault {}

    /** The link drops after {@code atByte} body bytes: the device keeps them, the client gets a reset. */
    record Drop(long atByte) implements PatchFault {}

    /** The device loses power after {@code atByte} body bytes, keeps them, and reboots. */
    record Reboot(long atByte) implements PatchFault {}

    /** The chunk arrives damaged: a checksum catches it ({@code 460}); without one, a byte is stored flipped. */
    record Corrupt(long atByte) implements PatchFault {}

    PatchFault NONE = new None();

    /**
     * The faults' random sequence. Every PATCH takes exactly four draws, whatever is decided, so that one seed and
     * one sequence of PATCHes always give the same faults at the same bytes.
     */
    final class Dice {
        private final FaultSpec spec;
        private final SplittableRandom random;

        Dice(FaultSpec spec) {
            this.spec = spec;
            this.random = new SplittableRandom(spec.seed());
        }

        /** @param bodyLength the PATCH's body length; for a chunked body, the largest the device accepts */
        synchronized PatchFault next(long bodyLength) {
            double reboot = random.nextDouble(), drop = random.nextDouble(), corrupt = random.nextDouble(), where = random.nextDouble();
            long at = (long) Math.floor(where * Math.max(0, bodyLength));
            if (reboot < spec.reboot()) return new Reboot(at);
            if (drop < spec.drop()) return new Drop(at);
            if (corrupt < spec.corrupt()) return new Corrupt(at);
            return NONE;
        }
    }
}
