package org.fibers.io;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.fibers.Fiber;
import org.fibers.FiberFailedException;
import org.fibers.Fibers;
import org.fibers.RunOptions;
import org.fibers.io.blocking.BlockingPool;
import org.fibers.io.blocking.Resolver;
import org.fibers.io.poll.PolledFd;
import org.fibers.operations.Operation;
import org.fibers.scheduler.Scheduler;
import org.fibers.timers.Timers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 30, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class PortsTest {
    private static final RunOptions TWO_CARRIERS = RunOptions.builder().parallelism(2).build();

    private static Operation<String> readableOrTimeout(FiberPort port, Duration timeout) {
        return Operation.choice(
                Ports.readableOperation(port).wrap(v -> "readable"),
                Timers.sleepOperation(timeout).wrap(v -> "timeout"));
    }

    @Test
    void readableOrTimeoutInAChoice() {
        Fibers.run(TWO_CARRIERS, () -> {
            FdPort[] pipe = FdPort.pipe();
            long t0 = System.nanoTime();
            assertEquals("timeout", readableOrTimeout(pipe[0], Duration.ofMillis(50)).perform());
            assertTrue(System.nanoTime() - t0 >= 49_000_000L);
            assertEquals(0, pipe[0].polledFd().waiterCount(PolledFd.READ), "the losing branch withdrew");

            Fiber<String> waiting = Fibers.spawn(() -> readableOrTimeout(pipe[0], Duration.ofSeconds(20)).perform());
            await().atMost(Duration.ofSeconds(5)).until(() -> pipe[0].polledFd().waiterCount(PolledFd.READ) == 1);
            pipe[1].write(direct("x"));
            assertEquals("readable", waiting.join());
            // Level-triggered: the byte is still unread, so readable wins again at once.
            assertEquals("readable", readableOrTimeout(pipe[0], Duration.ofSeconds(20)).perform());
            close(pipe);
            return null;
        });
    }

    @Test
    void aLoopOfReadableOrTimeoutLeavesNoWaitersOrTimersBehind() {
        Fibers.run(RunOptions.builder().parallelism(1).build(), () -> {
            FdPort[] pipe = FdPort.pipe();
            int timeouts = 0;
            for (int i = 0; i < 3000; i++) {
                if (readableOrTimeout(pipe[0], Duration.ofNanos(20_000)).perform().equals("timeout")) {
                    timeouts++;
                }
            }
            assertEquals(3000, timeouts);
            assertEquals(0, pipe[0].polledFd().waiterCount(PolledFd.READ));
            assertTrue(Scheduler.current().pendingTimers() < 5, Scheduler.current().pendingTimers() + " timers left");
            close(pipe);
            return null;
        });
    }

    @Test
    void aHangupWakesEveryFiberWaitingOnTheFd() {
        Fibers.run(TWO_CARRIERS, () -> {
            FdPort[] pipe = FdPort.pipe();
            List<Fiber<Void>> waiters = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                waiters.add(Fibers.spawn(() -> Ports.awaitReadable(pipe[0])));
            }
            await().atMost(Duration.ofSeconds(5)).until(() -> pipe[0].polledFd().waiterCount(PolledFd.READ) == 50);
            pipe[1].close();
            for (Fiber<Void> f : waiters) {
                f.join();
            }
            assertEquals(0, pipe[0].polledFd().waiterCount(PolledFd.READ));
            pipe[0].close();
            return null;
        });
    }

    @Test
    void closingAPortFailsEveryPendingReadinessOperation() {
        Fibers.run(TWO_CARRIERS, () -> {
            FdPort[] pipe = FdPort.pipe();
            List<Fiber<Void>> waiters = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                waiters.add(Fibers.spawn(() -> Ports.awaitReadable(pipe[0])));
            }
            await().atMost(Duration.ofSeconds(5)).until(() -> pipe[0].polledFd().waiterCount(PolledFd.READ) == 20);
            pipe[0].close();
            for (Fiber<Void> f : waiters) {
                FiberFailedException e = assertThrows(FiberFailedException.class, f::join);
                UncheckedIOException u = assertInstanceOf(UncheckedIOException.class, e.getCause());
                assertInstanceOf(AsynchronousCloseException.class, u.getCause());
            }
            assertThrows(UncheckedIOException.class, () -> Ports.awaitReadable(pipe[0]), "closed before the perform");
            pipe[1].close();
            return null;
        });
    }

    @Test
    void writableCompletesOnlyOnceThereIsRoom() {
        Fibers.run(TWO_CARRIERS, () -> {
            FdPort[] pipe = FdPort.pipe();
            ByteBuffer chunk = ByteBuffer.allocateDirect(4096);
            long filled = 0;
            int n;
            do {
                chunk.clear();
                n = pipe[1].tryWrite(chunk);
                filled += n;
            } while (n > 0);
            Operation<String> writableOrTimeout = Operation.choice(
                    Ports.writableOperation(pipe[1]).wrap(v -> "writable"),
                    Timers.sleepOperation(Duration.ofMillis(50)).wrap(v -> "timeout"));
            assertEquals("timeout", writableOrTimeout.perform(), "a full pipe is not writable");
            Fiber<Void> waiting = Fibers.spawn(() -> Ports.awaitWritable(pipe[1]));
            ByteBuffer drain = ByteBuffer.allocateDirect(1 << 16);
            long drained = 0;
            while (drained < filled) {
                drain.clear();
                drained += pipe[0].read(drain);
            }
            waiting.join();
            close(pipe);
            return null;
        });
    }

    @Test
    void acceptOrTimeoutInALoopLosesNoConnection() {
        int clients = 30;
        int accepted = Fibers.run(TWO_CARRIERS, () -> {
            try (FiberServerSocket server = FiberServerSocket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
                Operation<FiberSocket> acceptOrTimeout = Operation.choice(
                        server.acceptOperation(),
                        Timers.sleepOperation(Duration.ofMillis(1)).wrap(v -> null));
                assertNull(acceptOrTimeout.perform(), "nobody connects: the timeout wins");
                List<Fiber<String>> sent = new ArrayList<>();
                for (int i = 0; i < clients; i++) {
                    int id = i;
                    sent.add(Fibers.spawn(() -> {
                        Fibers.sleep(Duration.ofMillis(id % 7));
                        try (FiberSocket s = FiberSocket.connect(server.localAddress())) {
                            s.write("client " + id + "\n");
                            s.flush();
                            return s.readLine();
                        }
                    }));
                }
                int n = 0;
                while (n < clients) {
                    FiberSocket c = acceptOrTimeout.perform();
                    if (c != null) {
                        n++;
                        Fibers.spawn(() -> {
                            try (c) {
                                c.write("hello " + c.readLine() + "\n");
                                c.flush();
                            }
                            return null;
                        });
                    }
                }
                for (int i = 0; i < clients; i++) {
                    assertEquals("hello client " + i, sent.get(i).join());
                }
                return n;
            }
        });
        assertEquals(clients, accepted);
    }

    @Test
    void scheduleWhenReadableRunsTheTaskOnceTheFdIsReadable() {
        Fibers.run(TWO_CARRIERS, () -> {
            FdPort[] pipe = FdPort.pipe();
            AtomicInteger ran = new AtomicInteger();
            Ports.scheduleWhenReadable(Scheduler.current(), pipe[0], ran::incrementAndGet);
            Runnable cancel = Ports.scheduleWhenReadable(Scheduler.current(), pipe[0], () -> ran.addAndGet(100));
            Fibers.sleep(Duration.ofMillis(30));
            assertEquals(0, ran.get());
            cancel.run();
            pipe[1].write(direct("go"));
            await().atMost(Duration.ofSeconds(5)).until(() -> ran.get() == 1);
            Fibers.sleep(Duration.ofMillis(30));
            assertEquals(1, ran.get(), "the cancelled task never ran");
            Ports.scheduleWhenWritable(Scheduler.current(), pipe[1], ran::incrementAndGet);
            await().atMost(Duration.ofSeconds(5)).until(() -> ran.get() == 2);
            close(pipe);
            return null;
        });
    }

    @Test
    void readinessOperationsBlockPlainThreads() throws Exception {
        FdPort[] pipe = FdPort.pipe();
        CountDownLatch woke = new CountDownLatch(1);
        Thread t = new Thread(() -> {
            Ports.awaitReadable(pipe[0]);
            woke.countDown();
        });
        t.start();
        assertTrue(!woke.await(100, TimeUnit.MILLISECONDS));
        pipe[1].write(direct("!"));
        assertTrue(woke.await(5, TimeUnit.SECONDS));
        t.join();
        close(pipe);
    }

    @Test
    void offloadedWorkAsOperations() {
        Fibers.run(TWO_CARRIERS, () -> {
            InetAddress[] local = Resolver.resolveOperation("localhost").perform();
            assertNotNull(local);
            assertTrue(local[0].isLoopbackAddress());
            CountDownLatch interrupted = new CountDownLatch(1);
            Operation<String> slowOrTimeout = Operation.choice(
                    BlockingPool.files().operation(() -> {
                        try {
                            Thread.sleep(20_000);
                        } catch (InterruptedException e) {
                            interrupted.countDown();
                        }
                        return "slow";
                    }),
                    Timers.sleepOperation(Duration.ofMillis(30)).wrap(v -> "timeout"));
            assertEquals("timeout", slowOrTimeout.perform());
            assertTrue(interrupted.await(5, TimeUnit.SECONDS), "the losing work was cancelled");
            return null;
        });
    }

    private static ByteBuffer direct(String s) {
        ByteBuffer b = ByteBuffer.allocateDirect(s.length());
        for (int i = 0; i < s.length(); i++) {
            b.put((byte) s.charAt(i));
        }
        return b.flip();
    }

    private static void close(FdPort[] pipe) {
        pipe[0].close();
        pipe[1].close();
    }
}
