package io.kanary.bench.broker;

import io.kanary.schema.Breach;
import io.kanary.schema.RollbackCommand;

/**
 * One run of {@link LatencyRun}: the rollback command read back, the breach behind it and the
 * decisive probe the breach names, or (problem not null) why the chain could not be followed.
 *
 * @param firstProbeNanos {@link System#nanoTime()} when the run's first probe was sent
 * @param probesSent      probes of both versions the run produced before its command was read
 */
record LatencySample(int index, String service, String deploymentId, VerdictReader.Read<RollbackCommand> command,
                            VerdictReader.Read<Breach> breach, SentProbe decisive, long firstProbeNanos,
                            int probesSent, String problem) {

    static LatencySample failed(int index, String service, String deploymentId, int probesSent, String problem) {
        return new LatencySample(index, service, deploymentId, null, null, null, 0, probesSent, problem);
    }

    public boolean ok() {
        return problem == null;
    }

    /** The decisive probe's {@code send()} call → the poll that returned its rollback command. */
    public double fromSendMs() {
        return (command.readNanos() - decisive.sentNanos()) / 1e6;
    }

    /** The decisive probe acknowledged by the broker (acks=all) → the poll that returned its rollback command. */
    public double fromAckMs() {
        return (command.readNanos() - decisive.ack().join().nanos()) / 1e6;
    }

    /** How far into the run (from its first probe) the decisive probe was sent: the detector's judging time. */
    public double decisiveAfterMs() {
        return (decisive.sentNanos() - firstProbeNanos) / 1e6;
    }
}
