package org.fibers.scheduler;

import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * Every scheduler group made and not yet closed, for introspection ({@link Scheduler#all()}).
 *
 * <pre>
 * Implementation notes
 *
 * A list of weak references under a lock: a group that is dropped without being closed does
 * not stay reachable through this list. Cleared and closed entries are purged on every add and
 * every read. Only group creation and introspection touch it, never spawn or run.
 * </pre>
 */
final class LiveSchedulers {
    private static final List<WeakReference<SchedulerGroup>> GROUPS = new ArrayList<>();

    private LiveSchedulers() {
    }

    static void add(SchedulerGroup group) {
        synchronized (GROUPS) {
            purge();
            GROUPS.add(new WeakReference<>(group));
        }
    }

    /** The members of every live group, in creation order. */
    static List<Scheduler> all() {
        List<Scheduler> out = new ArrayList<>();
        synchronized (GROUPS) {
            purge();
            for (WeakReference<SchedulerGroup> ref : GROUPS) {
                SchedulerGroup g = ref.get();
                if (g != null) {
                    for (Scheduler s : g.members) {
                        if (s != null) {
                            out.add(s);
                        }
                    }
                }
            }
        }
        return out;
    }

    private static void purge() {
        for (Iterator<WeakReference<SchedulerGroup>> it = GROUPS.iterator(); it.hasNext(); ) {
            SchedulerGroup g = it.next().get();
            if (g == null || g.members.length == 0 || g.members[0] == null
                    || g.members[0].lifecycle.isClosed()) {
                it.remove();
            }
        }
    }
}
