package org.fibers.benchmarks.core;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The peers' tools a command test needs (wrk, memcached, memcaslap). A test skips, saying why,
 * when one is absent; with the environment variable {@code FIBERS_REQUIRE_PEERS} set (as
 * {@code .ci/run} and the GitHub workflow set it) it fails instead, so a CI run cannot pass by
 * skipping.
 */
public final class Peers {
    private Peers() {
    }

    /**
     * Skips (or with FIBERS_REQUIRE_PEERS fails) the calling test unless {@code tool} is
     * installed.
     *
     * @param tool    an absolute path, or a bare name looked up on the PATH
     * @param install how to install it, for the message
     */
    public static void assumeInstalled(String tool, String install) {
        boolean present = isInstalled(tool);
        if (!present && System.getenv("FIBERS_REQUIRE_PEERS") != null) {
            throw new AssertionError(tool + " is not installed, and FIBERS_REQUIRE_PEERS is set (" + install + ")");
        }
        assumeTrue(present, tool + " is not installed (" + install + ")");
    }

    /**
     * @param tool an absolute path, or a bare name looked up on the PATH
     * @return whether it is an executable file
     */
    public static boolean isInstalled(String tool) {
        if (tool.contains("/")) {
            return Files.isExecutable(Path.of(tool));
        }
        String path = System.getenv().getOrDefault("PATH", "");
        for (String dir : path.split(File.pathSeparator)) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, tool))) {
                return true;
            }
        }
        return false;
    }
}
