package org.fibers.introspect;

import java.lang.management.ManagementFactory;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import javax.management.InstanceAlreadyExistsException;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.fibers.scheduler.Scheduler;

/**
 * Publishes introspection through the platform MBean server: the group MBean
 * ({@link FibersMXBean}, {@code org.fibers:type=Fibers}) and one {@link SchedulerMXBean} per
 * live scheduler. Nothing is registered until {@link #register()} is called, so JMX costs an
 * application that does not ask for it nothing. Thread-safe.
 */
public final class FibersJmx {
    /** The group MBean's name. */
    public static final String GROUP_NAME = "org.fibers:type=Fibers";

    private FibersJmx() {
    }

    /** Registers the group MBean (once) and the schedulers' MBeans; idempotent. */
    public static synchronized void register() {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        try {
            ObjectName group = new ObjectName(GROUP_NAME);
            if (!server.isRegistered(group)) {
                server.registerMBean(new Group(), group);
            }
        } catch (InstanceAlreadyExistsException e) {
            // registered by a racing caller outside this lock (another class loader): fine
        } catch (JMException e) {
            throw new IllegalStateException("cannot register " + GROUP_NAME, e);
        }
        refresh(server);
    }

    /**
     * {@return the name of {@code s}'s MBean}
     *
     * @param s a scheduler, registered or not
     */
    public static ObjectName nameOf(Scheduler s) {
        try {
            return new ObjectName("org.fibers:type=Scheduler,name=" + s.name());
        } catch (JMException e) {
            throw new IllegalStateException(e);
        }
    }

    private static synchronized void refresh(MBeanServer server) {
        List<Scheduler> live = Scheduler.all();
        Set<ObjectName> wanted = new HashSet<>();
        for (Scheduler s : live) {
            ObjectName n = nameOf(s);
            wanted.add(n);
            if (!server.isRegistered(n)) {
                try {
                    server.registerMBean(new SchedulerBean(s), n);
                } catch (InstanceAlreadyExistsException e) {
                    // a racing registration of the same scheduler: one is enough
                } catch (JMException e) {
                    throw new IllegalStateException("cannot register " + n, e);
                }
            }
        }
        try {
            for (ObjectName n : server.queryNames(new ObjectName("org.fibers:type=Scheduler,*"), null)) {
                if (!wanted.contains(n)) {
                    server.unregisterMBean(n);
                }
            }
        } catch (JMException e) {
            throw new IllegalStateException("cannot unregister closed schedulers' MBeans", e);
        }
    }

    private static final class Group implements FibersMXBean {
        @Override
        public String[] getSchedulerNames() {
            return Scheduler.all().stream().map(Scheduler::name).toArray(String[]::new);
        }

        @Override
        public int getFiberCount() {
            return Introspection.fibers().size();
        }

        @Override
        public String[] getFiberTable() {
            long now = System.nanoTime();
            return Introspection.snapshotFibers().stream().map(f -> Dump.fiberLine(f, now)).toArray(String[]::new);
        }

        @Override
        public String dumpText() {
            return Introspection.dumpText();
        }

        @Override
        public String dumpJson() {
            return Introspection.dumpJson();
        }

        @Override
        public void refreshSchedulers() {
            refresh(ManagementFactory.getPlatformMBeanServer());
        }
    }

    private record SchedulerBean(Scheduler s) implements SchedulerMXBean {
        @Override
        public String getName() {
            return s.name();
        }

        @Override
        public boolean isRunning() {
            return Introspection.info(s).running();
        }

        @Override
        public long getRuncount() {
            return s.runcount();
        }

        @Override
        public int getRunQueueLength() {
            return s.runQueueLength();
        }

        @Override
        public int getInboxLength() {
            return s.inboxLength();
        }

        @Override
        public long getSteals() {
            return s.stolenTasks();
        }

        @Override
        public long getSleeps() {
            return s.sleepCount();
        }

        @Override
        public int getPendingTimers() {
            return s.pendingTimers();
        }

        @Override
        public int getFdsWatched() {
            return s.poller().watchedFds();
        }

        @Override
        public long getLiveFibers() {
            return s.liveFibers();
        }
    }
}
