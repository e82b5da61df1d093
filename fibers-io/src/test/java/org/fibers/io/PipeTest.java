package org.fibers.io;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.fibers.Fiber;
import org.fibers.FiberFailedException;
import org.fibers.Fibers;
import org.fibers.RunOptions;
import org.fibers.io.poll.EpollPoller;
import org.fibers.io.poll.PolledFd;
import org.fibers.scheduler.Scheduler;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 30, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class PipeTest {
    private static final RunOptions ONE_CARRIER = RunOptions.builder().parallelism(1).hz(0).build();

    @Test
    void aHungUpPipeWakesItsReaderOnceAndThePollerDoesNotSpin() {
        Fibers.run(ONE_CARRIER, () -> {
            FdPort[] pipe = FdPort.pipe();
            ByteBuffer buf = ByteBuffer.allocateDirect(64);
            Fiber<Integer> reader = Fibers.spawn(() -> pipe[0].read(buf));
            await().atMost(Duration.ofSeconds(5)).until(() -> pipe[0].polledFd().waiterCount(PolledFd.READ) == 1);
            pipe[1].close(); // EPOLLHUP on the read end
            assertEquals(-1, reader.join());
            assertTrue(pipe[0].polledFd().hungUp());

            // The read end stays registered and hung up. Level-triggered, every epoll_wait would
            // return it at once; edge-triggered, the idle carrier sleeps.
            EpollPoller poller = (EpollPoller) Scheduler.current().poller();
            long polls = poller.blockingPolls();
            long events = poller.eventsHandled();
            Fibers.sleep(Duration.ofMillis(300));
            long morePolls = poller.blockingPolls() - polls;
            long moreEvents = poller.eventsHandled() - events;
            assertTrue(morePolls < 20, morePolls + " blocking polls in 300 ms");
            assertTrue(moreEvents <= 1, moreEvents + " events in 300 ms");
            pipe[0].close();
            return null;
        });
    }

    @Test
    void anFdOutlivesTheSchedulerItWasRegisteredWith() throws Exception {
        FdPort[] pipe = Fibers.run(ONE_CARRIER, () -> {
            FdPort[] p = FdPort.pipe();
            ByteBuffer one = ByteBuffer.allocateDirect(1);
            Fiber<Integer> reader = Fibers.spawn(() -> p[0].read(one));
            await().atMost(Duration.ofSeconds(5)).until(() -> p[0].polledFd().waiterCount(PolledFd.READ) == 1);
            p[1].write(ByteBuffer.allocateDirect(1));
            assertEquals(1, reader.join());
            return p; // registered with this run's scheduler, which closes now
        });
        // A plain thread waits on it next: it re-registers with the fallback scheduler's poller.
        Thread writer = new Thread(() -> {
            try {
                Thread.sleep(100);
                pipe[1].write(ByteBuffer.allocateDirect(3));
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
        writer.start();
        assertEquals(3, pipe[0].read(ByteBuffer.allocateDirect(3)));
        writer.join();
        pipe[0].close();
        pipe[1].close();
    }

    @Test
    void closingAPipeWakesItsBlockedReaderWithAnError() {
        Fibers.run(ONE_CARRIER, () -> {
            FdPort[] pipe = FdPort.pipe();
            Fiber<Integer> reader = Fibers.spawn(() -> pipe[0].read(ByteBuffer.allocateDirect(16)));
            await().atMost(Duration.ofSeconds(5)).until(() -> pipe[0].polledFd().waiterCount(PolledFd.READ) == 1);
            pipe[0].close();
            FiberFailedException e = assertThrows(FiberFailedException.class, reader::join);
            assertInstanceOf(AsynchronousCloseException.class, e.getCause());
            assertTrue(!pipe[0].isOpen());
            pipe[1].close();
            return null;
        });
    }

    @Test
    void aWriterBlockedOnAFullPipeResumesWhenTheReaderDrainsIt() {
        Fibers.run(ONE_CARRIER, () -> {
            FdPort[] pipe = FdPort.pipe();
            int size = 1 << 20; // a pipe holds 64 KiB
            Fiber<Void> writer = Fibers.spawn(() -> {
                ByteBuffer out = ByteBuffer.allocateDirect(size);
                for (int i = 0; i < size; i++) {
                    out.put((byte) i);
                }
                out.flip();
                pipe[1].write(out);
                pipe[1].close();
                return null;
            });
            await().atMost(Duration.ofSeconds(5)).until(() -> pipe[1].polledFd().waiterCount(PolledFd.WRITE) == 1);
            ByteBuffer in = ByteBuffer.allocateDirect(4096);
            long total = 0;
            int expect = 0;
            int n;
            while ((n = pipe[0].read(in)) >= 0) {
                in.flip();
                for (int i = 0; i < n; i++) {
                    assertEquals((byte) expect++, in.get());
                }
                in.clear();
                total += n;
            }
            writer.join();
            assertEquals(size, total);
            pipe[0].close();
            return null;
        });
    }
}
