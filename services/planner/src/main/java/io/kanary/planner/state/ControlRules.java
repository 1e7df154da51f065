package io.kanary.planner.state;

import io.kanary.schema.ControlCommand;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/** Which phases each operator control applies in; anything else is refused with a sentence naming the phase. */
public final class ControlRules {
    private ControlRules() {
    }

    static Optional<Rejection> check(ControlCommand control, Deployment d) {
        Set<Phase> allowed = allowedPhases(control);
        if (allowed.contains(d.phase())) {
            return Optional.empty();
        }
        return Optional.of(Rejection.notApplicable(refusal(control.action(), control.isFull(), d.id(), d.phase())
                + hint(control, d), d.phase()));
    }

    /** The sentence a control that does not apply is refused with. */
    public static String refusal(ControlCommand.Action action, boolean full, String deploymentId, Phase phase) {
        String word = action.word() + (full ? " --full" : "");
        return "Deployment " + deploymentId + " is " + phase + "; " + word + " applies only to a deployment that is "
                + allowedPhases(action, full).stream().map(Phase::name).sorted().collect(Collectors.joining(" or "));
    }

    static Set<Phase> allowedPhases(ControlCommand control) {
        return allowedPhases(control.action(), control.isFull());
    }

    /** The phases in which a control applies; what the API checks before it publishes, too. */
    public static Set<Phase> allowedPhases(ControlCommand.Action action, boolean full) {
        return switch (action) {
            case PAUSE -> Set.of(Phase.ROLLING);
            case RESUME -> Set.of(Phase.PAUSED);
            case ABORT -> Set.of(Phase.ROLLING, Phase.WAITING, Phase.PAUSED);
            // Promote ends a pause or approval step; with full it also skips the ones still ahead, so a rollout may be promoted while ROLLING.
            case PROMOTE -> full ? Set.of(Phase.WAITING, Phase.ROLLING) : Set.of(Phase.WAITING);
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
