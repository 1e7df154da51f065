package io.kanary.cli;

/** How the executor of {@code kanary up} runs instances. */
enum Driver {
    /** Local OS processes: the embedded default, nothing to install. */
    PROCESS,
    /** Containers on Docker engines, one engine per host. */
    DOCKER
}
