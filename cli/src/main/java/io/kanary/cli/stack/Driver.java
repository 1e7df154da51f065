package io.kanary.cli.stack;

/** How the executor of {@code kanary up} runs instances. */
public enum Driver {
    /** Local OS processes: the embedded default, nothing to install. */
    PROCESS,
    /** Containers on Docker engines, one engine per host. */
    DOCKER
}
