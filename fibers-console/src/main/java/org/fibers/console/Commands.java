package org.fibers.console;

import java.io.PrintWriter;
import java.util.List;
import java.util.Optional;
import org.fibers.Fiber;
import org.fibers.Fibers;
import org.fibers.RunOptions;
import org.fibers.introspect.Dump;
import org.fibers.introspect.FiberInfo;
import org.fibers.introspect.Introspection;
import org.fibers.introspect.SchedulerInfo;
import org.fibers.scheduler.Scheduler;

/**
 * The console's commands, parsed and run one line at a time; output goes to one writer. Used by
 * one session's thread at a time.
 */
final class Commands implements AutoCloseable {
    /** The command names, for completion, in help order. */
    static final List<String> NAMES = List.of("scheds", "spawn-sched", "kill-sched", "spawn-fiber", "fibers", "fiber",
            "stats", "help", "quit");

    /** What {@code help} prints. */
    static final String HELP = String.join("\n",
            "scheds                     the live schedulers, one line each",
            "spawn-sched [PARALLELISM]  make a scheduler group (default 1, hz 100) and start it on its own threads",
            "kill-sched NAME            close the scheduler NAME and its peers (Guile's destroy-scheduler)",
            "spawn-fiber CODE [SCHED]   compile Java CODE (statements; JShell, in this JVM) and run it as a fiber",
            "                           on SCHED (default: the last scheduler this console spawned, else the first)",
            "fibers [SCHED]             the live fibers (of SCHED), their state and what each waits for",
            "fiber NAME                 one fiber, with its stack",
            "stats                      counters per scheduler",
            "help                       this text",
            "quit                       end this session");

    private final PrintWriter out;
    /** The scheduler spawn-fiber uses without an argument: the last one spawn-sched made here. */
    private Scheduler lastSpawned;
    /** Made on the first spawn-fiber (a JShell takes a second or so to start). */
    private JavaSnippets snippets;

    Commands(PrintWriter out) {
        this.out = out;
    }

    /** Runs one line; false when it was {@code quit} (or {@code exit}). */
    boolean execute(String line) {
        String trimmed = line.strip();
        if (trimmed.isEmpty() || trimmed.startsWith("#")) {
            return true;
        }
        int sp = trimmed.indexOf(' ');
        String cmd = sp < 0 ? trimmed : trimmed.substring(0, sp);
        String rest = sp < 0 ? "" : trimmed.substring(sp + 1).strip();
        try {
            switch (cmd) {
                case "scheds" -> scheds();
                case "spawn-sched" -> spawnSched(rest);
                case "kill-sched" -> killSched(rest);
                case "spawn-fiber" -> spawnFiber(rest);
                case "fibers" -> fibers(rest);
                case "fiber" -> fiber(rest);
                case "stats" -> stats();
                case "help" -> out.println(HELP);
                case "quit", "exit" -> {
                    return false;
                }
                default -> out.println("error: unknown command '" + cmd + "' (try help)");
            }
        } catch (UsageException e) {
            out.println("error: " + e.getMessage());
        } catch (RuntimeException e) {
            out.println("error: " + cmd + " failed: " + e);
        }
        return true;
    }

    private void scheds() {
        List<SchedulerInfo> all = Introspection.snapshotSchedulers();
        out.println("schedulers: " + all.size());
        for (SchedulerInfo s : all) {
            out.println(Dump.schedulerLine(s));
        }
    }

    private void spawnSched(String arg) {
        int parallelism = 1;
        if (!arg.isEmpty()) {
            try {
                parallelism = Integer.parseInt(arg);
            } catch (NumberFormatException e) {
                throw new UsageException("usage: spawn-sched [PARALLELISM], not '" + arg + "'");
            }
            if (parallelism < 1 || parallelism > 256) {
                throw new UsageException("parallelism must be 1..256, not " + parallelism);
            }
        }
        Scheduler s = Scheduler.create(parallelism);
        s.setHz(RunOptions.DEFAULT_HZ);         // as Fibers.run: preemption, and the clock of fiber ages
        s.start();
        lastSpawned = s;
        StringBuilder names = new StringBuilder(s.name());
        for (Scheduler p : s.remotePeers()) {
            names.append(' ').append(p.name());
        }
        out.println("spawned " + names);
    }

    private void killSched(String name) {
        if (name.isEmpty()) {
            throw new UsageException("usage: kill-sched NAME");
        }
        Scheduler s = scheduler(name);
        List<Scheduler> group = s.peers();
        s.close();
        if (lastSpawned != null && group.contains(lastSpawned)) {
            lastSpawned = null;
        }
        StringBuilder names = new StringBuilder();
        for (Scheduler p : group) {
            names.append(names.isEmpty() ? "" : " ").append(p.name());
        }
        out.println("killed " + names);
    }

    private void spawnFiber(String arg) {
        if (arg.isEmpty()) {
            throw new UsageException("usage: spawn-fiber CODE [SCHED]");
        }
        String code = arg;
        Scheduler target = null;
        int sp = arg.lastIndexOf(' ');
        if (sp > 0) {
            Optional<Scheduler> named = Introspection.schedulerByName(arg.substring(sp + 1));
            if (named.isPresent()) {
                target = named.get();
                code = arg.substring(0, sp).strip();
            }
        }
        if (target == null) {
            target = defaultScheduler();
        }
        if (snippets == null) {
            snippets = new JavaSnippets();
        }
        JavaSnippets.Compiled compiled = snippets.compile(code);
        if (compiled.body() == null) {
            out.println("error: spawn-fiber: the code does not compile:");
            for (String d : compiled.diagnostics()) {
                out.println("  " + d);
            }
            return;
        }
        Fiber<Void> f = Fibers.spawn(compiled.body(), target, false);
        out.println("spawned " + f.name() + " on " + target.name());
    }

    private Scheduler defaultScheduler() {
        if (lastSpawned != null && !lastSpawned.isClosed()) {
            return lastSpawned;
        }
        for (Scheduler s : Introspection.schedulers()) {
            Thread c = s.kernelThread();
            if (c != null && c.isAlive()) {
                return s;
            }
        }
        throw new UsageException("no running scheduler: spawn-sched first, or name one");
    }

    private void fibers(String arg) {
        List<FiberInfo> all = Introspection.snapshotFibers();
        if (!arg.isEmpty()) {
            String name = scheduler(arg).name();
            all = all.stream().filter(f -> f.scheduler().equals(name)).toList();
        }
        long now = System.nanoTime();
        out.println("fibers: " + all.size());
        for (FiberInfo f : all) {
            out.println(Dump.fiberLine(f, now));
        }
    }

    private void fiber(String name) {
        if (name.isEmpty()) {
            throw new UsageException("usage: fiber NAME");
        }
        Fiber<?> f = Introspection.fiberByName(name)
                .orElseThrow(() -> new UsageException("no live fiber named '" + name + "' (see fibers)"));
        out.println(Dump.fiberLine(Introspection.info(f), System.nanoTime()));
        StackTraceElement[] stack = Introspection.stackOf(f);
        if (stack.length == 0) {
            out.println("  (no stack: it has ended)");
        }
        for (StackTraceElement e : stack) {
            out.println("    at " + e);
        }
    }

    private void stats() {
        out.println(String.format("%-10s %10s %8s %6s %8s %8s %7s %5s %10s", "scheduler", "runcount", "runqueue", "inbox",
                "steals", "sleeps", "timers", "fds", "live"));
        for (SchedulerInfo s : Introspection.snapshotSchedulers()) {
            out.println(String.format("%-10s %10d %8d %6d %8d %8d %7d %5d %10d", s.name(), s.runcount(), s.runQueue(),
                    s.inbox(), s.steals(), s.sleeps(), s.pendingTimers(), s.fdsWatched(), s.liveFibers()));
        }
    }

    private static Scheduler scheduler(String name) {
        return Introspection.schedulerByName(name)
                .orElseThrow(() -> new UsageException("no live scheduler named '" + name + "' (see scheds)"));
    }

    @Override
    public void close() {
        if (snippets != null) {
            snippets.close();
            snippets = null;
        }
    }

    /** Bad input from the user: printed as it is, without a stack. */
    private static final class UsageException extends RuntimeException {
        UsageException(String message) {
            super(message, null, false, false);
        }
    }
}
