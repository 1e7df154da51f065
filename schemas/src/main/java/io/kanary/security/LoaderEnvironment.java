package io.kanary.security;

import java.util.Locale;
import java.util.Set;

/**
 * Environment names that change how a program is loaded or which code it runs before its own
 * (preloaded libraries, search paths, interpreter start-up files and options). A deploy request
 * that sets one could make an allow-listed executable run anything, so such names are refused
 * unless a service's allow-list names them.
 */
public final class LoaderEnvironment {
    private static final Set<String> PREFIXES = Set.of("LD_", "DYLD_", "BASH_FUNC_", "GLIBC_", "MALLOC_");
    private static final Set<String> NAMES = Set.of(
            "PATH", "IFS", "ENV", "BASH_ENV", "SHELLOPTS", "BASHOPTS", "PS4", "GCONV_PATH", "LOCPATH", "NLSPATH",
            "HOSTALIASES", "RESOLV_HOST_CONF", "JAVA_TOOL_OPTIONS", "_JAVA_OPTIONS", "JDK_JAVA_OPTIONS", "JAVA_OPTIONS",
            "CLASSPATH", "PYTHONPATH", "PYTHONSTARTUP", "PYTHONHOME", "PYTHONINSPECT", "PYTHONUSERBASE",
            "PYTHONEXECUTABLE", "PYTHONWARNINGS", "PYTHONBREAKPOINT", "NODE_OPTIONS", "NODE_PATH",
            "NODE_EXTRA_CA_CERTS", "PERL5OPT", "PERL5LIB", "PERLLIB", "PERL5DB", "RUBYOPT", "RUBYLIB",
            "GEM_PATH", "GEM_HOME", "PHPRC", "PHP_INI_SCAN_DIR", "OPENSSL_CONF", "OPENSSL_ENGINES",
            "GIT_EXEC_PATH", "GIT_SSH_COMMAND", "TCLLIBPATH", "R_PROFILE", "R_PROFILE_USER", "ERL_AFLAGS",
            "ERL_FLAGS", "ERL_LIBS", "DOTNET_STARTUP_HOOKS", "CORECLR_PROFILER_PATH", "LUA_PATH", "LUA_CPATH",
            "LUA_INIT");

    private LoaderEnvironment() {
    }

    /** Whether {@code name} changes how a program loads (compared without regard to case: some systems ignore it). */
    public static boolean affectsLoading(String name) {
        String upper = name.toUpperCase(Locale.ROOT);
        return NAMES.contains(upper) || PREFIXES.stream().anyMatch(upper::startsWith);
    }
}
