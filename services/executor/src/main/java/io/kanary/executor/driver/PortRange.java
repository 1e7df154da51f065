package io.kanary.executor.driver;

/**
 * The ports instances on a remote Docker engine's host may listen on, {@code first} to
 * {@code last} inclusive.
 */
public record PortRange(int first, int last) {
    /**
     * Below Linux's ephemeral range (32768-60999), so the engine host's own outgoing connections
     * never hold a port kanary hands to an instance.
     */
    public static final PortRange DEFAULT = new PortRange(20000, 32767);

    public PortRange {
        if (first < 1 || last > 65535 || first > last) {
            throw new IllegalArgumentException("a port range runs from a first to a last port within 1-65535, was "
                    + first + "-" + last);
        }
    }

    /** {@code 20000-32767}; a clear error names the setting and the expected form. */
    public static PortRange parse(String setting, String text) {
        String[] parts = text == null ? new String[0] : text.trim().split("-");
        try {
            if (parts.length == 2) {
                return new PortRange(Integer.parseInt(parts[0].trim()), Integer.parseInt(parts[1].trim()));
            }
        } catch (IllegalArgumentException e) {
            // Reported below, with the expected form.
        }
        throw new IllegalArgumentException(setting + " must look like 20000-32767 (first-last, within 1-65535), was '"
                + text + "'");
    }

    public boolean contains(int port) {
        return port >= first && port <= last;
    }

    @Override
    public String toString() {
        return first + "-" + last;
    }
}
