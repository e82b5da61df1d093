package org.fibers.console;

import java.util.List;
import org.fibers.introspect.Introspection;
import org.fibers.scheduler.Scheduler;
import org.jline.reader.Candidate;
import org.jline.reader.Completer;
import org.jline.reader.LineReader;
import org.jline.reader.ParsedLine;

/**
 * Tab completion: the first word from the command names; after {@code kill-sched},
 * {@code fibers} and as the last word of {@code spawn-fiber}, the live schedulers' names; after
 * {@code fiber}, the live fibers' names. Names are read when Tab is pressed.
 */
final class NameCompleter implements Completer {
    @Override
    public void complete(LineReader reader, ParsedLine line, List<Candidate> candidates) {
        if (line.wordIndex() == 0) {
            for (String c : Commands.NAMES) {
                candidates.add(new Candidate(c));
            }
            return;
        }
        String command = line.words().get(0);
        switch (command) {
            case "kill-sched", "fibers", "spawn-fiber" -> {
                for (Scheduler s : Introspection.schedulers()) {
                    candidates.add(new Candidate(s.name()));
                }
            }
            case "fiber" -> Introspection.fibers().forEach(f -> candidates.add(new Candidate(f.name())));
            default -> {
                // no arguments to complete
            }
        }
    }
}
