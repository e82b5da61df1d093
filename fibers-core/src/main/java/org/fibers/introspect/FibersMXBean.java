package org.fibers.introspect;

/**
 * The group MBean, {@code org.fibers:type=Fibers}: the fiber table and the dumps, for jconsole,
 * JMC or any JMX client. Registered by {@link FibersJmx#register()}.
 */
public interface FibersMXBean {
    /** {@return names of every live scheduler} */
    String[] getSchedulerNames();

    /** {@return fibers not yet ended} */
    int getFiberCount();

    /** {@return one line per live fiber: name, state, scheduler, age and wait (see {@link Dump#fiberLine})} */
    String[] getFiberTable();

    /** {@return {@link Introspection#dumpText()}: the schedulers' table and one line per live fiber} */
    String dumpText();

    /** {@return {@link Introspection#dumpJson()}: the same as {@link #dumpText()}, as one JSON object} */
    String dumpJson();


    /** Registers an MBean for every scheduler made since the last call, drops those of closed ones. */
    void refreshSchedulers();
}
