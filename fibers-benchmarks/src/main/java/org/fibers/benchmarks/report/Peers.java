package org.fibers.benchmarks.report;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The external programs the comparisons measure against or load with, and their Debian
 * packages: found on the {@code PATH}, installed with {@code apt-get} when this process may
 * (it runs as root and installing was not turned off), or reported missing so that the
 * comparisons that need them are skipped. Helidon, Netty and Kotlin come with the benchmarks'
 * jar and need nothing here.
 */
final class Peers {
    /** Each program and the Debian package that has it. */
    static final Map<String, String> PACKAGES = Map.of(
            "memcached", "memcached",
            "memcaslap", "libmemcached-tools",
            "wrk", "wrk");

    private static final long INSTALL_TIMEOUT_SECONDS = 600;

    private Peers() {
    }

    /**
     * Finds a program on the {@code PATH}.
     *
     * @param program its name
     * @return whether an executable of that name is there
     */
    static boolean onPath(String program) {
        String path = System.getenv("PATH");
        if (path == null) {
            return false;
        }
        for (String dir : path.split(File.pathSeparator)) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, program))) {
                return true;
            }
        }
        return false;
    }

    /**
     * Makes the programs the steps need available where it can.
     *
     * @param steps    the steps about to run
     * @param install  whether {@code apt-get} may be run (it is only tried as root)
     * @param progress where to say what happens
     * @return the programs still missing, each with why
     */
    static Map<String, String> ensure(List<Step> steps, boolean install, Consumer<String> progress) {
        Set<String> wanted = new TreeSet<>();
        steps.forEach(s -> wanted.addAll(s.peers()));
        List<String> missing = new ArrayList<>(wanted.stream().filter(p -> !onPath(p)).toList());
        Map<String, String> why = new LinkedHashMap<>();
        if (missing.isEmpty()) {
            return why;
        }
        Set<String> packages = new TreeSet<>();
        missing.forEach(p -> packages.add(PACKAGES.get(p)));
        String aptLine = "apt-get install -y " + String.join(" ", packages);
        if (install && isRoot() && onPath("apt-get")) {
            progress.accept("peers: installing " + packages + " with apt-get (up to "
                    + INSTALL_TIMEOUT_SECONDS / 60 + " min)");
            String failure = runApt(packages);
            if (failure != null) {
                progress.accept("peers: apt-get failed: " + failure);
            }
            missing.removeIf(Peers::onPath);
        }
        for (String p : missing) {
            why.put(p, p + " is not installed (Debian: " + aptLine + ")");
        }
        return why;
    }

    private static boolean isRoot() {
        return "root".equals(System.getProperty("user.name"));
    }

    /** @return null when apt-get succeeded, else what went wrong */
    private static String runApt(Set<String> packages) {
        try {
            List<String> update = List.of("apt-get", "update", "-qq");
            List<String> install = new ArrayList<>(List.of("apt-get", "install", "-y", "-qq"));
            install.addAll(packages);
            for (List<String> cmd : List.of(update, install)) {
                Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
                if (!p.waitFor(INSTALL_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    return String.join(" ", cmd) + " did not end within " + INSTALL_TIMEOUT_SECONDS + " s";
                }
                if (p.exitValue() != 0) {
                    return String.join(" ", cmd) + " exited with " + p.exitValue();
                }
            }
            return null;
        } catch (IOException e) {
            return e.toString();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }
}
