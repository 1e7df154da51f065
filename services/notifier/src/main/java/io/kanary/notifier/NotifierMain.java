package io.kanary.notifier;

/** The notifier in a process of its own, configured from the environment (see {@link NotifierConfig#fromEnv}). */
public final class NotifierMain {
    private NotifierMain() {
    }

    public static void main(String[] args) {
        NotifierConfig config;
        try {
            config = NotifierConfig.fromEnv(System.getenv());
        } catch (IllegalArgumentException e) {
            System.err.println("kanary notifier: " + e.getMessage());
            System.exit(2);
            return;
        }
        Notifier notifier = Notifier.start(config);
        Runtime.getRuntime().addShutdownHook(new Thread(notifier::close, "kanary-notifier-shutdown"));
    }
}
