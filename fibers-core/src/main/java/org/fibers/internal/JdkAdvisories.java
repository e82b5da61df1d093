package org.fibers.internal;

import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Known defects of the running JDK that users of Fibers (or of any virtual threads) can hit,
 * told once per JVM as a warning through SLF4J when the first scheduler is made. Set
 * {@code -Dfibers.jdkAdvisory=false} to silence it.
 *
 * <p>The one known today: from JDK 25 the JDK takes thread dumps through its new thread
 * snapshot code (JDK-8357650), which can crash the JVM (SIGSEGV in
 * {@code GetThreadSnapshotClosure::do_thread}) when it catches a carrier thread as a virtual
 * thread mounts or unmounts: openjdk JDK-8364343 and JDK-8392031 (fix proposed September 2026).
 * It happens with the JDK's own default scheduler as well as with Fibers' (ThreadDumpStressTest
 * reproduces both on Temurin 25.0.3). It affects {@code jcmd PID Thread.dump_to_file} and
 * {@code HotSpotDiagnosticMXBean.dumpThreads}; {@code jcmd PID Thread.print},
 * {@code Thread.getAllStackTraces()}, {@code ThreadMXBean.dumpAllThreads} and
 * {@code Thread.getStackTrace()} of a fiber do not use that code and are safe. No release of
 * JDK 25, 26 or 27 is known to us to carry the fix, so all three are warned about; JDK 21 to 24
 * dump virtual threads another way and are not affected.
 */
public final class JdkAdvisories {
    private static final AtomicBoolean TOLD = new AtomicBoolean();

    private JdkAdvisories() {
    }

    /** True when the running JDK's thread-dump-to-file can crash while virtual threads run. */
    public static boolean threadSnapshotCrashAffects(Runtime.Version v) {
        return v.feature() >= 25 && v.feature() <= 27;
    }

    /** Warns once, if the running JDK is affected and the warning is not turned off. */
    public static void warnOnce() {
        if (!threadSnapshotCrashAffects(Runtime.version())
                || "false".equals(System.getProperty("fibers.jdkAdvisory"))
                || !TOLD.compareAndSet(false, true)) {
            return;
        }
        Logger log = LoggerFactory.getLogger("org.fibers");
        log.warn("Java {} can crash the JVM in 'jcmd PID Thread.dump_to_file' and HotSpotDiagnosticMXBean.dumpThreads "
                + "while virtual threads run (JDK-8364343, JDK-8392031; default virtual threads too). Use "
                + "'jcmd PID Thread.print' or the Fibers console for thread dumps. -Dfibers.jdkAdvisory=false "
                + "silences this.", Runtime.version());
    }
}
