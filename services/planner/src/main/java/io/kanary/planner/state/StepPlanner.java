package io.kanary.planner.state;

import io.kanary.schema.DeployRequest;
import io.kanary.schema.PlannedStep;
import io.kanary.schema.Step;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns a request's {@code steps} (or its {@code batchSize}) into the plan recorded in
 * {@code deployment.started}: host-count and percentage batches over the target hosts in order,
 * with the timed pauses and approvals between them. A percentage brings the updated share of the
 * targets up to it, rounded up and at least one host more; a batch step with no host left is
 * dropped; hosts the steps leave out form one final batch.
 */
public final class StepPlanner {
    private StepPlanner() {
    }

    public static List<PlannedStep> plan(List<String> hosts, DeployRequest request) {
        if (request.steps().isEmpty()) {
            return Planner.batches(hosts, request.batchSize()).stream().map(PlannedStep::batch).toList();
        }
        List<PlannedStep> plan = new ArrayList<>();
        int total = hosts.size();
        int updated = 0;
        for (Step step : request.steps()) {
            if (step.isBatch()) {
                int upTo = step.hosts() != null ? updated + step.hosts()
                        : Math.max(updated + 1, (int) Math.ceil(step.percent() * total / 100.0));
                upTo = Math.min(upTo, total);
                if (upTo > updated) {
                    plan.add(PlannedStep.batch(hosts.subList(updated, upTo)));
                    updated = upTo;
                }
            } else if (step.isTimedPause()) {
                plan.add(PlannedStep.pause(step.pauseDuration().toMillis()));
            } else {
                plan.add(PlannedStep.approval());
            }
        }
        if (updated < total) {
            plan.add(PlannedStep.batch(hosts.subList(updated, total)));
        }
        return List.copyOf(plan);
    }

    /**
     * The steps that plan {@code plan} again over its own hosts in the same order: what a retry sends,
     * so the new deployment has the batches, pauses and approvals of the first.
     */
    public static List<Step> stepsOf(List<PlannedStep> plan) {
        return plan.stream().map(step -> switch (step.kind()) {
            case PlannedStep.BATCH -> Step.ofHosts(step.hosts().size());
            case PlannedStep.PAUSE -> Step.pauseFor(step.durationMs() + "ms");
            default -> Step.approvalStep();
        }).toList();
    }

    /** The hosts of each batch step, in order: the {@code batches} of {@code deployment.started}. */
    public static List<List<String>> batches(List<PlannedStep> plan) {
        return plan.stream().filter(PlannedStep::isBatch).map(PlannedStep::hosts).toList();
    }
}
