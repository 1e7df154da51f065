package io.kanary.bench.campaign;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/** The campaign's table: crashes per kind with restart times, rollouts and their ends, every violation as a sentence. */
final class CampaignReport {
    private CampaignReport() {
    }

    static String render(String command, CampaignOptions options, double seconds, List<FaultInjector.Crash> crashes,
                         Map<FaultKind, Integer> perKind, Map<String, Long> coldStarts, List<Rollout> rollouts,
                         List<String> violations, List<String> observations) {
        StringBuilder out = new StringBuilder();
        out.append("=== fault campaign: ").append(command).append('\n');
        out.append(String.format(Locale.ROOT, "seed %d, %d hosts, 3 brokers (replication 3, min.insync.replicas 2), %.0f s%n",
                options.seed(), options.hosts(), seconds));
        out.append(String.format(Locale.ROOT, "%-16s %7s %28s%n", "crash (kill -9)", "count", "restart -> ready ms (median / max)"));
        for (Map.Entry<FaultKind, Integer> e : perKind.entrySet()) {
            List<Long> ready = crashes.stream().filter(c -> c.kind() == e.getKey() && c.readyMs() >= 0)
                    .map(FaultInjector.Crash::readyMs).sorted().toList();
            String times = ready.isEmpty() ? "-" : ready.get(ready.size() / 2) + " / " + ready.get(ready.size() - 1);
            out.append(String.format(Locale.ROOT, "%-16s %7d %28s%n", e.getKey().label(), e.getValue(), times));
        }
        out.append(String.format(Locale.ROOT, "%-16s %7d%n", "total", crashes.size()));
        out.append("cold start -> ready ms: ").append(coldStarts).append('\n');
        Map<String, Integer> ends = new TreeMap<>();
        rollouts.forEach(r -> ends.merge((r.bad() ? "bad " : "good ") + (r.phase() == null ? "no phase" : r.phase()), 1, Integer::sum));
        long bad = rollouts.stream().filter(Rollout::bad).count();
        out.append(String.format(Locale.ROOT, "rollouts %d of %d requested (%d good, %d bad): %s%n", rollouts.size(),
                options.rollouts(), rollouts.size() - bad, bad, ends));
        out.append("violations: ").append(violations.size()).append('\n');
        List<String> numbered = new ArrayList<>();
        for (int i = 0; i < violations.size(); i++) {
            numbered.add(String.format(Locale.ROOT, "  %2d. %s", i + 1, violations.get(i)));
        }
        numbered.forEach(line -> out.append(line).append('\n'));
        if (!observations.isEmpty()) {
            out.append("observations (no invariant, worth a look):\n");
            observations.forEach(o -> out.append("   - ").append(o).append('\n'));
        }
        return out.toString();
    }
}
