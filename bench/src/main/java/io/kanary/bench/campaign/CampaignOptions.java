package io.kanary.bench.campaign;

import java.nio.file.Path;
import java.time.Duration;

/**
 * The campaign's settings, from {@code --name value} arguments.
 *
 * @param rollouts         rollouts to request, one after another (the first healthy, later ones bad with {@code badShare})
 * @param seed             seeds every random choice: which rollouts are bad, what is killed, the delays
 * @param hosts            hosts the executor serves
 * @param maxKills         crashes to inject at most
 * @param minGap           least time between two crashes
 * @param maxGap           most time between two crashes
 * @param maxDown          most time a killed process stays down before it is started again
 * @param badShare         share of the rollouts after the first that roll out a failing version
 * @param maxDuration      the whole campaign's bound: rollouts stop being requested after it
 * @param rolloutTimeout   the most one rollout may take to end
 * @param allowViolations  exit 0 even when invariants are violated (the table still lists them)
 * @param workDir          where the brokers' data and the logs go (null: a temporary directory)
 * @param keepWorkDir      keep the work directory afterwards (logs to read)
 * @param kinds            the kinds of process the campaign may kill
 */
record CampaignOptions(int rollouts, long seed, int hosts, int maxKills, Duration minGap, Duration maxGap,
                       Duration maxDown, double badShare, Duration maxDuration, Duration rolloutTimeout,
                       boolean allowViolations, Path workDir, boolean keepWorkDir, java.util.Set<FaultKind> kinds) {

    static final String USAGE = """
            usage: run-fault-campaign.sh [--rollouts N] [--seed S] [--hosts N] [--kills N] [--min-gap-s S] [--max-gap-s S]
                                         [--max-down-s S] [--bad-share F] [--max-minutes M] [--rollout-timeout-s S]
                                         [--kinds K,...] [--allow-violations] [--work-dir DIR] [--keep-work-dir]
              --rollouts N          rollouts to request one after another (default 12; the first is healthy)
              --seed S              seeds every random choice (default: the clock, printed)
              --hosts N             hosts the executor serves (default 3)
              --kills N             crashes to inject at most (default: one per rollout)
              --min-gap-s/--max-gap-s  time between two crashes, drawn between these (default 5 and 20)
              --max-down-s S        a killed process stays down 0.5..S seconds (default 5)
              --bad-share F         share of later rollouts that fail half their requests (default 0.4)
              --max-minutes M       bound of the whole campaign (default 30)
              --rollout-timeout-s S most one rollout may take to end (default 180)
              --kinds K,...         what may be killed: planner, executor, health-watcher, breach-detector, broker (default all)
              --allow-violations    exit 0 even when an invariant is violated (env KANARY_CAMPAIGN_ALLOW_VIOLATIONS=1)
              --work-dir DIR        brokers' data and every process's log (default: a temporary directory, removed)
              --keep-work-dir       keep the work directory to read the logs
            """;

    CampaignOptions {
        if (rollouts < 1 || hosts < 1 || maxKills < 0) {
            throw new IllegalArgumentException("--rollouts and --hosts must be at least 1 and --kills at least 0");
        }
        if (minGap.isNegative() || maxGap.compareTo(minGap) < 0 || maxDown.toMillis() < 500) {
            throw new IllegalArgumentException("--max-gap-s must be at least --min-gap-s, and --max-down-s at least 0.5");
        }
        if (kinds.isEmpty()) {
            throw new IllegalArgumentException("--kinds names no kind of process");
        }
        if (!(badShare >= 0 && badShare <= 1)) {
            throw new IllegalArgumentException("--bad-share must be between 0 and 1, was " + badShare);
        }
    }

    static CampaignOptions parse(String[] args, java.util.Map<String, String> env) {
        int rollouts = 12;
        long seed = System.currentTimeMillis();
        int hosts = 3;
        Integer kills = null;
        double minGap = 5;
        double maxGap = 20;
        double maxDown = 5;
        double badShare = 0.4;
        double maxMinutes = 30;
        double rolloutTimeout = 180;
        boolean allow = "1".equals(env.get("KANARY_CAMPAIGN_ALLOW_VIOLATIONS"))
                || "true".equalsIgnoreCase(env.get("KANARY_CAMPAIGN_ALLOW_VIOLATIONS"));
        Path workDir = null;
        boolean keep = false;
        java.util.Set<FaultKind> kinds = java.util.EnumSet.allOf(FaultKind.class);
        for (int i = 0; i < args.length; i++) {
            String name = args[i];
            switch (name) {
                case "--allow-violations" -> allow = true;
                case "--keep-work-dir" -> keep = true;
                case "--help", "-h" -> throw new IllegalArgumentException(USAGE);
                default -> {
                    if (i + 1 >= args.length) {
                        throw new IllegalArgumentException(name + " needs a value\n" + USAGE);
                    }
                    String value = args[++i];
                    try {
                        switch (name) {
                            case "--rollouts" -> rollouts = Integer.parseInt(value);
                            case "--seed" -> seed = Long.parseLong(value);
                            case "--hosts" -> hosts = Integer.parseInt(value);
                            case "--kills" -> kills = Integer.parseInt(value);
                            case "--min-gap-s" -> minGap = Double.parseDouble(value);
                            case "--max-gap-s" -> maxGap = Double.parseDouble(value);
                            case "--max-down-s" -> maxDown = Double.parseDouble(value);
                            case "--bad-share" -> badShare = Double.parseDouble(value);
                            case "--max-minutes" -> maxMinutes = Double.parseDouble(value);
                            case "--rollout-timeout-s" -> rolloutTimeout = Double.parseDouble(value);
                            case "--work-dir" -> workDir = Path.of(value);
                            case "--kinds" -> kinds = kinds(value);
                            default -> throw new IllegalArgumentException("unknown option " + name + "\n" + USAGE);
                        }
                    } catch (NumberFormatException e) {
                        throw new IllegalArgumentException(name + " takes a number, was '" + value + "'");
                    }
                }
            }
        }
        return new CampaignOptions(rollouts, seed, hosts, kills == null ? rollouts : kills, seconds(minGap),
                seconds(maxGap), seconds(maxDown), badShare, seconds(maxMinutes * 60), seconds(rolloutTimeout), allow,
                workDir, keep || workDir != null, kinds);
    }

    private static java.util.Set<FaultKind> kinds(String value) {
        java.util.Set<FaultKind> kinds = java.util.EnumSet.noneOf(FaultKind.class);
        for (String name : value.split(",")) {
            FaultKind kind = java.util.Arrays.stream(FaultKind.values()).filter(k -> k.label().equals(name.trim()))
                    .findFirst().orElseThrow(() -> new IllegalArgumentException("unknown kind '" + name.trim()
                            + "' in --kinds; choose from planner, executor, health-watcher, breach-detector, broker"));
            kinds.add(kind);
        }
        return kinds;
    }

    private static Duration seconds(double s) {
        return Duration.ofMillis((long) (s * 1000));
    }
}
