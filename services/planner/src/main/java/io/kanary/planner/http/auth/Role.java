package io.kanary.planner.http.auth;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * What a principal may do through the API. Roles are cumulative: a deployer may also read, an
 * operator may also deploy.
 */
public enum Role {
    /** Reads: deployments, hosts. */
    VIEWER,
    /** Creates deployments. */
    DEPLOYER,
    /** Rolls deployments back and uses every other control. */
    OPERATOR;

    public boolean includes(Role needed) {
        return compareTo(needed) >= 0;
    }

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Role parse(String text) {
        for (Role role : values()) {
            if (role.label().equals(text)) {
                return role;
            }
        }
        throw new IllegalArgumentException("unknown role '" + text + "'; use one of "
                + Arrays.stream(values()).map(Role::label).collect(Collectors.joining(", ")));
    }
}
