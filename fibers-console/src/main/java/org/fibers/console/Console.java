package org.fibers.console;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * One console session: reads command lines from a reader, writes their output to a writer,
 * until end of input or {@code quit}. The commands are those of {@link Commands#HELP}. A
 * command that fails prints {@code error: ...} and the session goes on.
 *
 * <p>Threading: a session runs on the thread that calls {@link #run()} (a plain thread, never a
 * fiber of the schedulers it inspects, so that a stuck scheduler cannot stop it). Sessions are
 * independent; several may run at once (standard input and TCP connections).
 */
public final class Console implements AutoCloseable {
    /** The prompt of interactive sessions. */
    public static final String PROMPT = "fibers> ";

    private final BufferedReader in;
    private final PrintWriter out;
    private final String prompt;
    private final Commands commands;

    /**
     * A session on {@code in} and {@code out}, printing {@code prompt} before each line read
     * (empty: none).
     * The session belongs to the thread that calls {@link #run()}; it is not thread-safe.
     *
     * @param in where command lines are read from
     * @param out where output and the prompt go (wrapped in an auto-flushing {@link PrintWriter}
     *        unless it is one)
     * @param prompt printed before each line read; empty for none
     */
    public Console(Reader in, Writer out, String prompt) {
        this.in = in instanceof BufferedReader b ? b : new BufferedReader(Objects.requireNonNull(in, "in"));
        this.out = out instanceof PrintWriter p ? p : new PrintWriter(Objects.requireNonNull(out, "out"), true);
        this.prompt = Objects.requireNonNull(prompt, "prompt");
        this.commands = new Commands(this.out);
    }

    /**
     * A session without a prompt, for scripts and tests.
     *
     * @param in where command lines are read from
     * @param out where output goes
     */
    public Console(Reader in, Writer out) {
        this(in, out, "");
    }

    /**
     * Runs a session on the process's standard input and output: with JLine's line editing,
     * history and completion when standard input is a terminal, else line by line. Returns at
     * end of input or {@code quit}.
     */
    public static void runOnStdin() {
        if (TerminalConsole.stdinIsTerminal()) {
            TerminalConsole.run();
            return;
        }
        PrintWriter stdout = new PrintWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8), true);
        try (Console c = new Console(new InputStreamReader(System.in, StandardCharsets.UTF_8), stdout, "")) {
            c.run();
        }
    }

    /**
     * Runs {@link #runOnStdin()} on a new daemon platform thread named {@code fibers-console},
     * for programs whose main thread runs a scheduler.
     *
     * @return the started thread; it ends at end of input or {@code quit}
     */
    public static Thread startOnStdin() {
        Thread t = new Thread(Console::runOnStdin, "fibers-console");
        t.setDaemon(true);
        t.start();
        return t;
    }

    /** Reads and executes lines until end of input or {@code quit}. */
    public void run() {
        out.println("Fibers console; 'help' lists the commands.");
        try {
            for (;;) {
                if (!prompt.isEmpty()) {
                    out.print(prompt);
                    out.flush();
                }
                String line = in.readLine();
                if (line == null || !execute(line)) {
                    break;
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("console input failed", e);
        } finally {
            out.flush();
        }
    }

    /**
     * Executes one command line, printing its output; false when it was {@code quit}.
     * An unknown command or a failed one prints an error and the session goes on.
     *
     * @param line one command with its arguments, as typed
     * @return true to go on reading, false after {@code quit}
     */
    public boolean execute(String line) {
        boolean more = commands.execute(line);
        out.flush();
        return more;
    }

    /** Ends the session's JShell, if {@code spawn-fiber} started one; the streams stay open. */
    @Override
    public void close() {
        commands.close();
    }
}
