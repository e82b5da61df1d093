package org.fibers.benchmarks.report;

import java.util.List;
import java.util.Locale;

/**
 * One comparison the report runs: which class, with which JVM flags and arguments in each
 * {@link Mode}, how long it is expected to take (for the progress line's estimate) and the
 * time after which it is stopped and reported as failed.
 *
 * @param area        the report section, also the raw file's name ({@code raw/<area>.json})
 * @param title       what the progress line calls it
 * @param mainClass   the comparison's main class
 * @param jvmFlags    extra JVM flags in each mode, indexed by {@link Mode#ordinal()}
 * @param args        its arguments in each mode, indexed the same way
 * @param expectedSec the seconds it usually takes on a 2-core machine, per mode (the full
 *                    column is what the README's full report took, rounded up)
 * @param peers       the external programs it needs ({@code wrk}, {@code memcached}...), for the peer check
 */
public record Step(String area, String title, String mainClass, List<List<String>> jvmFlags,
                   List<List<String>> args, List<Integer> expectedSec, List<String> peers) {

    /** How big the loads are. */
    public enum Mode {
        /** Tiny sizes: proves that every comparison runs and writes its results (the test suite's command check). */
        SMOKE,
        /** A few minutes in all: figures good to a few tens of percent. */
        QUICK,
        /** The README's report: every comparison at the size its own documentation gives. */
        FULL;

        /** @return the mode's name as the command line spells it */
        public String flag() {
            return "--" + name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * @param mode the run's mode
     * @return the JVM flags for that mode
     */
    public List<String> jvmFlags(Mode mode) {
        return jvmFlags.get(mode.ordinal());
    }

    /**
     * @param mode the run's mode
     * @return the arguments for that mode
     */
    public List<String> args(Mode mode) {
        return args.get(mode.ordinal());
    }

    /**
     * @param mode the run's mode
     * @return the seconds the step usually takes
     */
    public int expectedSeconds(Mode mode) {
        return expectedSec.get(mode.ordinal());
    }

    /**
     * The time after which the step is stopped: three times what it usually takes, and a
     * minute more for a slow JIT or a loaded machine.
     *
     * @param mode the run's mode
     * @return the limit in seconds
     */
    public int timeoutSeconds(Mode mode) {
        return 3 * expectedSeconds(mode) + 60;
    }

    /** @return the command as a user would type it after building, for the report */
    String commandLine(Mode mode) {
        String simple = mainClass.substring("org.fibers.benchmarks.".length());
        return String.join(" ", jvmFlags(mode)) + (jvmFlags(mode).isEmpty() ? "" : " ")
                + simple + (args(mode).isEmpty() ? "" : " " + String.join(" ", args(mode)));
    }

    private static List<List<String>> words(String smoke, String quick, String full) {
        return List.of(split(smoke), split(quick), split(full));
    }

    private static List<String> split(String s) {
        return s.isBlank() ? List.of() : List.of(s.trim().split("\\s+"));
    }

    /** Every comparison, in the order the report runs and prints them. */
    public static final List<Step> ALL = List.of(
            new Step("handoff", "hand-off: park/unpark round trip vs the Loom floor and default virtual threads",
                    "org.fibers.benchmarks.core.Interleaved", words("", "", ""),
                    words("handoff 4", "handoff 40", "handoff 400"), List.of(10, 20, 30), List.of()),
            new Step("spawnjoin", "spawn and join vs the Loom floor and default virtual threads",
                    "org.fibers.benchmarks.core.Interleaved",
                    words("-Xmx1g", "-Xms3g -Xmx3g -Xmn2g", "-Xms3g -Xmx3g -Xmn2g"),
                    words("spawnjoin 1 --fibers 20000", "spawnjoin 4", "spawnjoin 20"), List.of(10, 30, 45), List.of()),
            new Step("channels", "channels vs the Loom floor, SynchronousQueue and Kotlin",
                    "org.fibers.benchmarks.channels.InterleavedChannels", words("", "", ""),
                    words("2", "10", "200"), List.of(20, 30, 60), List.of()),
            new Step("ping", "ping server vs JDK sockets, Netty and the loom-floor server",
                    "org.fibers.benchmarks.io.PingComparison", words("", "", ""),
                    words("20 50 --rounds 1 --warmup 50", "100 500 --rounds 3 --warmup 500",
                            "1000 500 --rounds 5 --warmup 500"), List.of(20, 50, 210), List.of()),
            new Step("memcached", "memcached server vs the C memcached",
                    "org.fibers.benchmarks.io.MemcachedComparison", words("", "", ""),
                    words("20 20 --rounds 1 --seconds 1 --items 1000", "200 50 --rounds 2 --seconds 2 --items 20000",
                            "1000 100 --rounds 5 --seconds 5 --items 100000"), List.of(30, 60, 230),
                    List.of("memcached", "memcaslap")),
            new Step("web", "web server vs the JDK's HttpServer, Helidon and Netty",
                    "org.fibers.benchmarks.web.WebComparison", words("", "", ""),
                    words("--rounds 1 --duration 1 --warmup 1", "--rounds 2 --duration 3 --warmup 2",
                            "--rounds 5 --duration 8 --warmup 4"), List.of(40, 70, 240), List.of("wrk")),
            new Step("footprint", "bytes per idle connection, and churn",
                    "org.fibers.benchmarks.footprint.ConnectionFootprint", words("", "", ""),
                    words("50 200 --churn 200", "1000 5000 --churn 10000", "1000 5000 19000 --churn 200000"),
                    List.of(30, 80, 120), List.of()));
}
