package io.kanary.planner.http;

import io.kanary.planner.state.Planner;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The view the API reads, kept up to date by the planner's loop: after each change it is updated
 * by the deployments that changed; a planner it has not seen before (the first, or one rebuilt from
 * the topics after a failed transaction) gets a whole new view.
 */
public final class LiveView implements Consumer<Planner>, Supplier<PlannerView> {
    private final AtomicReference<PlannerView> current = new AtomicReference<>(PlannerView.EMPTY);
    /** Touched by the loop's thread only. */
    private Planner last;

    /** Called on the planner loop's thread after every change. */
    @Override
    public void accept(Planner planner) {
        current.set(planner == last ? current.get().updatedBy(planner, planner.takeChanges()) : PlannerView.of(planner));
        last = planner;
    }

    @Override
    public PlannerView get() {
        return current.get();
    }
}
