package org.fibers.introspect;

import java.util.List;

/** Renders snapshots as text for people and JSON for tools. Pure functions of their input. */
public final class Dump {
    private Dump() {
    }

    /**
     * {@return a table of schedulers, then one line per fiber:
     * {@code fiber-42  SUSPENDED  sched-1.0  age 1200 ms  channel-get channel@1b6d3586 for 800 ms}}
     *
     * @param schedulers the scheduler snapshots, in the order to print
     * @param fibers the fiber snapshots, in the order to print
     * @param nowNanos the {@link System#nanoTime()} that ages and waits are measured to
     */
    public static String text(List<SchedulerInfo> schedulers, List<FiberInfo> fibers, long nowNanos) {
        StringBuilder b = new StringBuilder();
        b.append("schedulers: ").append(schedulers.size()).append('\n');
        for (SchedulerInfo s : schedulers) {
            b.append(schedulerLine(s)).append('\n');
        }
        b.append("fibers: ").append(fibers.size()).append('\n');
        for (FiberInfo f : fibers) {
            b.append(fiberLine(f, nowNanos)).append('\n');
        }
        return b.toString();
    }

    /**
     * {@return one scheduler's counters on one line}
     *
     * @param s the scheduler snapshot
     */
    public static String schedulerLine(SchedulerInfo s) {
        return String.format("%-10s %-8s runcount=%d runqueue=%d inbox=%d steals=%d sleeps=%d timers=%d fds=%d live-fibers=%d",
                s.name(), s.running() ? "running" : "stopped", s.runcount(), s.runQueue(), s.inbox(), s.steals(), s.sleeps(),
                s.pendingTimers(), s.fdsWatched(), s.liveFibers());
    }

    /**
     * {@return one fiber on one line: name, state, scheduler, age, and its wait with how long}
     *
     * @param f the fiber snapshot
     * @param nowNanos the {@link System#nanoTime()} that its age and wait are measured to
     */
    public static String fiberLine(FiberInfo f, long nowNanos) {
        StringBuilder b = new StringBuilder(String.format("%-12s %-9s %-10s age %s", f.name(), f.state(),
                f.scheduler(), millis(f.ageNanos())));
        if (f.waitingFor() != null) {
            b.append("  ").append(f.waitingFor().toText(nowNanos));
            if (f.waitNanos() >= 0) {
                b.append(" for ").append(millis(f.waitNanos()));
            }
        }
        return b.toString();
    }

    private static String millis(long nanos) {
        return nanos < 0 ? "?" : nanos / 1_000_000 + " ms";
    }

    /**
     * {@return {@code {"schedulers":[{...}],"fibers":[{"name":..,"wait":{"kind":..,"target":..,
     * "deadlineInNanos":..,"branches":[..]},"waitNanos":..}]}}; unknown numbers are -1, a fiber
     * with no wait has {@code "wait":null}}
     *
     * @param schedulers the scheduler snapshots
     * @param fibers the fiber snapshots
     * @param nowNanos the {@link System#nanoTime()} that ages and waits are measured to
     */
    public static String json(List<SchedulerInfo> schedulers, List<FiberInfo> fibers, long nowNanos) {
        StringBuilder b = new StringBuilder(128 + 160 * fibers.size());
        b.append("{\"schedulers\":[");
        for (int i = 0; i < schedulers.size(); i++) {
            SchedulerInfo s = schedulers.get(i);
            b.append(i == 0 ? "{" : ",{");
            Json.string(Json.key(b, "name", true), s.name());
            Json.key(b, "running", false).append(s.running());
            Json.string(Json.key(b, "carrier", false), s.carrier());
            Json.key(b, "runcount", false).append(s.runcount());
            Json.key(b, "runQueue", false).append(s.runQueue());
            Json.key(b, "inbox", false).append(s.inbox());
            Json.key(b, "steals", false).append(s.steals());
            Json.key(b, "sleeps", false).append(s.sleeps());
            Json.key(b, "pendingTimers", false).append(s.pendingTimers());
            Json.key(b, "fdsWatched", false).append(s.fdsWatched());
            Json.key(b, "liveFibers", false).append(s.liveFibers());
            b.append('}');
        }
        b.append("],\"fibers\":[");
        for (int i = 0; i < fibers.size(); i++) {
            FiberInfo f = fibers.get(i);
            b.append(i == 0 ? "{" : ",{");
            Json.string(Json.key(b, "name", true), f.name());
            Json.key(b, "id", false).append(f.id());
            Json.string(Json.key(b, "state", false), f.state());
            Json.string(Json.key(b, "scheduler", false), f.scheduler());
            Json.key(b, "ageNanos", false).append(f.ageNanos());
            Json.key(b, "wait", false);
            appendWait(b, f.waitingFor(), nowNanos);
            Json.key(b, "waitNanos", false).append(f.waitNanos());
            b.append('}');
        }
        return b.append("]}").toString();
    }

    private static void appendWait(StringBuilder b, WaitDescription w, long nowNanos) {
        if (w == null) {
            b.append("null");
            return;
        }
        Json.string(Json.key(b.append('{'), "kind", true), w.kind());
        Json.string(Json.key(b, "target", false), w.target());
        Json.key(b, "deadlineInNanos", false);
        if (w.deadlineNanos() == WaitDescription.NO_DEADLINE) {
            b.append("null");
        } else {
            b.append(w.deadlineNanos() - nowNanos);
        }
        Json.key(b, "branches", false).append('[');
        for (int i = 0; i < w.branches().size(); i++) {
            if (i > 0) {
                b.append(',');
            }
            appendWait(b, w.branches().get(i), nowNanos);
        }
        b.append("]}");
    }
}
