package io.kanary.planner.state;

import io.kanary.schema.ControlCommand;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/** Which phases each operator control applies in; anything else is refused with a sentence naming the phase. */
final class ControlRules {
    private ControlRules() {
    }

    static Optional<Rejection> check(ControlCommand control, Deployment d) {
        Set<Phase> allowed = allowedPhases(control);
        if (allowed.contains(d.phase())) {
            return Optional.empty();
        }
        String word = control.action().word() + (control.isFull() ? " --full" : "");
        return Optional.of(Rejection.notApplicable("Deployment " + d.id() + " is " + d.phase() + "; " + word
                + " applies only to a deployment that is " + allowed.stream().map(Phase::name).sorted()
                .collect(Collectors.joining(" or ")) + hint(control, d), d.phase()));
    }

    /** The phases in which {@code control} applies; what the API checks before it publishes, too. */
    static Set<Phase> allowedPhases(ControlCommand control) {
        return switch (control.action()) {
            case PAUSE -> Set.of(Phase.ROLLING);
            case RESUME -> Set.of(Phase.PAUSED);
            case ABORT -> Set.of(Phase.ROLLING, Phase.WAITING, Phase.PAUSED);
            // Promote ends a pause or approval step; with full it also skips the ones still ahead, so a rollout may be promoted while ROLLING.
            case PROMOTE -> control.isFull() ? Set.of(Phase.WAITING, Phase.ROLLING) : Set.of(Phase.WAITING);
            case CANCEL -> Set.of(Phase.QUEUED);
        };
    }

    private static String hint(ControlCommand control, Deployment d) {
        if (control.action() == ControlCommand.Action.PROMOTE && d.phase() == Phase.ROLLING) {
            return "; there is no pause or approval to end now (promote with full to skip the ones ahead)";
        }
        if (control.action() == ControlCommand.Action.ABORT && d.phase() == Phase.ROLLING_BACK) {
            return "; it is already rolling back";
        }
        if (!d.phase().isActive()) {
            return "; it is over";
        }
        return "";
    }
}
