package org.fibers.io.blocking;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.fibers.Fiber;
import org.fibers.FiberCancelledException;
import org.fibers.Fibers;
import org.fibers.RunOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 30, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class BlockingPoolTest {
    private static final RunOptions ONE_CARRIER = RunOptions.builder().parallelism(1).build();

    @Test
    void aBlockingCallSuspendsItsFiberAndTheCarrierKeepsRunningOthers() {
        int ticks = Fibers.run(ONE_CARRIER, () -> {
            AtomicInteger count = new AtomicInteger();
            AtomicBoolean done = new AtomicBoolean();
            Fiber<Void> ticker = Fibers.spawn(() -> {
                while (!done.get()) {
                    Fibers.sleep(Duration.ofMillis(10));
                    count.incrementAndGet();
                }
            });
            int v = BlockingPool.files().call(() -> {
                Thread.sleep(300); // a slow disk, as far as the carrier is concerned
                return 42;
            });
            assertEquals(42, v);
            done.set(true);
            ticker.join();
            return count.get();
        });
        assertTrue(ticks >= 10, "the only carrier ran the ticker " + ticks + " times meanwhile");
    }

    @Test
    void checkedExceptionsOfTheWorkArriveUnchanged() {
        Fibers.run(ONE_CARRIER, () -> {
            IOException boom = new FileNotFoundException("nope");
            IOException thrown = assertThrows(IOException.class, () -> BlockingPool.files().call(() -> {
                throw boom;
            }));
            assertSame(boom, thrown);
            return null;
        });
    }

    @Test
    void aCancelledFiberCancelsItsBlockingCall() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch interrupted = new CountDownLatch(1);
        Fibers.run(ONE_CARRIER, () -> {
            Fiber<Integer> f = Fibers.spawn(() -> BlockingPool.files().call(() -> {
                started.countDown();
                try {
                    Thread.sleep(20_000);
                } catch (InterruptedException e) {
                    interrupted.countDown();
                }
                return 1;
            }));
            while (started.getCount() > 0) {
                Fibers.sleep(Duration.ofMillis(5));
            }
            f.cancel();
            assertThrows(FiberCancelledException.class, f::join);
            return null;
        });
        assertTrue(interrupted.await(5, TimeUnit.SECONDS), "the pool thread was interrupted");
    }

    @Test
    void onAPlainThreadTheWorkRunsInline() throws Exception {
        Thread me = Thread.currentThread();
        assertSame(me, BlockingPool.files().call(Thread::currentThread));
    }

    @Test
    void fiberFilesWriteAndReadBackOffTheCarrier(@TempDir Path dir) {
        Fibers.run(ONE_CARRIER, () -> {
            Path p = dir.resolve("data.txt");
            FiberFiles.writeString(p, "line one\nline two\n");
            assertEquals("line one\nline two\n", FiberFiles.readString(p));
            assertEquals(List.of("line one", "line two"), FiberFiles.readAllLines(p));
            byte[] bytes = new byte[100_000];
            for (int i = 0; i < bytes.length; i++) {
                bytes[i] = (byte) (i * 31);
            }
            FiberFiles.write(p, bytes);
            assertEquals(bytes.length, FiberFiles.size(p));
            assertArrayEquals(bytes, FiberFiles.readAllBytes(p));
            FiberFiles.delete(p);
            assertTrue(!Files.exists(p));
            assertThrows(NoSuchFileException.class, () -> FiberFiles.readAllBytes(p));
            return null;
        });
    }

    @Test
    void theResolverLooksUpNamesOnItsPoolAndLiteralsAtOnce() {
        Fibers.run(ONE_CARRIER, () -> {
            InetAddress[] local = Resolver.resolve("localhost");
            assertTrue(local.length > 0);
            assertTrue(local[0].isLoopbackAddress());
            assertEquals(InetAddress.getByName("127.0.0.1"), Resolver.resolve("127.0.0.1")[0]);
            assertEquals(InetAddress.getByName("::1"), Resolver.resolve("::1")[0]);
            assertTrue(Resolver.isLiteral("10.1.2.3") && Resolver.isLiteral("[::1]") && !Resolver.isLiteral("example.org"));
            return null;
        });
    }
}
