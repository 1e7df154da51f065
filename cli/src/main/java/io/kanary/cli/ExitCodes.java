package io.kanary.cli;

/**
 * Every exit code of the kanary command, as the README's table lists them: a CI job branches on
 * these, so each means one thing.
 */
public final class ExitCodes {
    /** Done; for {@code wait} and {@code --wait}: the deployment SUCCEEDED. */
    public static final int OK = 0;
    /** Refused or failed (the planner's 4xx other than 409, a broken audit chain). */
    public static final int FAILED = 1;
    /** A bad flag or value (picocli's own code for usage errors). */
    public static final int USAGE = 2;
    /** The planner or Kafka cannot be reached. */
    public static final int UNREACHABLE = 3;
    /** 409: the service already has an active deployment, or the deployment's phase does not allow the control. */
    public static final int CONFLICT = 4;
    /** The deployment waited on ended ROLLED_BACK (a breach or an operator's rollback). */
    public static final int ROLLED_BACK = 5;
    /** The deployment waited on ended FAILED. */
    public static final int DEPLOYMENT_FAILED = 6;
    /** The deployment waited on ended ABORTED or CANCELLED (an operator's abort or cancel). */
    public static final int ABORTED = 7;
    /** --timeout passed while the deployment was still active (running, paused, waiting or queued). */
    public static final int TIMED_OUT = 8;

    /** The table printed under {@code kanary --help}, a line each (annotation values must be constants). */
    static final String TABLE_1 = "Exit codes:  0 done (wait and --wait: SUCCEEDED); 1 refused or failed;";
    static final String TABLE_2 = "             2 a bad flag or value; 3 the planner or Kafka cannot be reached;";
    static final String TABLE_3 = "             4 conflict (409): the service is busy, or the phase forbids it;";
    static final String TABLE_4 = "             5 ROLLED_BACK; 6 FAILED; 7 ABORTED or CANCELLED; 8 timed out.";

    private ExitCodes() {
    }
}
