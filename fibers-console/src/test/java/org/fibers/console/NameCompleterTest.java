package org.fibers.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.awaitility.Awaitility;
import org.fibers.Fiber;
import org.fibers.Fibers;
import org.fibers.conditions.Condition;
import org.fibers.scheduler.Scheduler;
import org.jline.reader.Candidate;
import org.jline.reader.Parser;
import org.jline.reader.impl.DefaultParser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Tab completion offers commands first, then the live schedulers' and fibers' names. */
@Timeout(30)
class NameCompleterTest {
    private static List<String> complete(String line) {
        List<Candidate> out = new ArrayList<>();
        // as the LineReader parses for completion
        new NameCompleter().complete(null, new DefaultParser().parse(line, line.length(), Parser.ParseContext.COMPLETE), out);
        return out.stream().map(Candidate::value).toList();
    }

    @Test
    void completesCommandsThenSchedulerAndFiberNames() {
        assertEquals(Commands.NAMES, complete("sp"));
        Scheduler s = Scheduler.create(1).start();
        Condition release = new Condition();
        try {
            Fiber<?> f = Fibers.spawn(release::await, s, false).setName("completable");
            assertTrue(complete("kill-sched ").contains(s.name()));
            assertTrue(complete("spawn-fiber foo() ").contains(s.name()));
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> f.state() == Fiber.State.SUSPENDED);
            assertTrue(complete("fiber com").contains("completable"), complete("fiber com").toString());
            assertEquals(List.of(), complete("stats "), "stats takes no argument");
            release.signal();
            f.join();
        } finally {
            s.close();
        }
    }
}
