package org.fibers.io;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;


import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.fibers.Fiber;
import org.fibers.Fibers;
import org.fibers.RunOptions;
import org.fibers.io.poll.EpollSupport;
import org.fibers.io.poll.PolledFd;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ClearErrorsTest {
    @Test
    void withoutTheEpollPollerWaitingForIoIsAClearError() throws Exception {
        assertTrue(EpollSupport.isAvailable(), "native epoll loads on this machine");
        Process p = new ProcessBuilder(ChildJava.command(PollerMissingMain.class, "-Dfibers.poller=park"))
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        assertTrue(out.contains("fibers-io needs the epoll poller") && out.contains("fibers.poller=park"), out);
    }

    @Test
    void aFiberWaitingForIoShowsWhatItWaitsForAsItsParkBlocker() {
        Fibers.run(RunOptions.builder().parallelism(1).build(), () -> {
            FdPort[] pipe = FdPort.pipe();
            Fiber<Integer> reader = Fibers.spawn(() -> pipe[0].read(java.nio.ByteBuffer.allocateDirect(8)));
            await().atMost(Duration.ofSeconds(5)).until(() -> pipe[0].polledFd().waiterCount(PolledFd.READ) == 1);
            String blocker = String.valueOf(LockSupport.getBlocker(reader.thread()));
            assertEquals("I/O wait[readable fd " + pipe[0].fd() + ", waiting]", blocker);
            pipe[0].close();
            pipe[1].close();
            try {
                reader.join();
            } catch (RuntimeException expected) {
                // closed while waiting
            }
            return null;
        });
    }

}
