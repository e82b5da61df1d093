package org.fibers.console;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.lang.reflect.Method;
import java.nio.file.Path;
import org.jline.reader.EndOfFileException;
import org.jline.reader.LineReader;
import org.jline.reader.LineReaderBuilder;
import org.jline.reader.UserInterruptException;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;

/**
 * The console on a terminal, through JLine: line editing, a history kept in
 * {@code ~/.fibers_console_history}, and completion of command, scheduler and fiber names
 * ({@link NameCompleter}). Ctrl-C drops the line being typed; Ctrl-D or {@code quit} ends.
 */
final class TerminalConsole {
    private TerminalConsole() {
    }

    /** Whether standard input and output are a terminal (JDK 22+ says so; JDK 21 by System.console()). */
    static boolean stdinIsTerminal() {
        java.io.Console c = System.console();
        if (c == null) {
            return false;
        }
        try {
            Method isTerminal = java.io.Console.class.getMethod("isTerminal");
            return (Boolean) isTerminal.invoke(c);
        } catch (ReflectiveOperationException e) {
            return true;                        // JDK 21: a console exists only on a terminal
        }
    }

    /** Runs one session on the system terminal until Ctrl-D or {@code quit}. */
    static void run() {
        try (Terminal terminal = TerminalBuilder.builder().system(true).build();
             Console console = new Console(Reader.nullReader(), terminal.writer())) {
            LineReader reader = LineReaderBuilder.builder()
                    .terminal(terminal)
                    .appName("fibers-console")
                    .completer(new NameCompleter())
                    .variable(LineReader.HISTORY_FILE, Path.of(System.getProperty("user.home"), ".fibers_console_history"))
                    .build();
            terminal.writer().println("Fibers console; 'help' lists the commands, Tab completes.");
            for (;;) {
                String line;
                try {
                    line = reader.readLine(Console.PROMPT);
                } catch (UserInterruptException e) {
                    continue;                   // Ctrl-C: drop the line
                } catch (EndOfFileException e) {
                    return;                     // Ctrl-D
                }
                if (!console.execute(line)) {
                    return;
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the terminal", e);
        }
    }
}
