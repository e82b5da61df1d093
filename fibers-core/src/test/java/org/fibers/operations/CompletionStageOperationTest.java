package org.fibers.operations;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.fibers.FiberCancelledException;
import org.fibers.FiberFailedException;
import org.fibers.Fibers;
import org.fibers.RunOptions;
import org.fibers.channels.Channel;
import org.fibers.timers.Timers;
import org.junit.jupiter.api.Test;

class CompletionStageOperationTest {
    @Test
    void aFiberChoosesBetweenAFutureAndAChannel() {
        Fibers.run(RunOptions.builder().parallelism(2).build(), () -> {
            CompletableFuture<String> future = new CompletableFuture<>();
            Channel<String> channel = new Channel<>();
            Operation<String> either = Operation.choice(Operation.fromCompletionStage(future), channel.getOperation());

            Fibers.spawn(() -> channel.put("from channel"));
            assertEquals("from channel", either.perform());

            Thread completer = new Thread(() -> future.complete("from future"));
            completer.start();
            assertEquals("from future", either.perform());
            assertEquals("from future", either.perform(), "a completed future stays ready");
            return null;
        });
    }

    @Test
    void aFutureNotYetCompleteLosesToATimeout() {
        Fibers.run(() -> {
            CompletableFuture<Integer> never = new CompletableFuture<>();
            Operation<Integer> op = Operation.choice(Operation.fromCompletionStage(never),
                    Timers.sleepOperation(Duration.ofMillis(10)).wrap(v -> -1));
            for (int i = 0; i < 1000; i++) {
                assertEquals(-1, op.perform());
            }
            return null;
        });
    }

    @Test
    void failuresAndCancellationSurface() {
        Fibers.run(() -> {
            CompletableFuture<Integer> failed = CompletableFuture.failedFuture(new IOException("io"));
            FiberFailedException e = assertThrows(FiberFailedException.class,
                    () -> Operation.fromCompletionStage(failed).perform());
            assertInstanceOf(IOException.class, e.getCause());
            CompletableFuture<Integer> cancelled = new CompletableFuture<>();
            cancelled.cancel(true);
            assertThrows(FiberCancelledException.class, () -> Operation.fromCompletionStage(cancelled).perform());
            return null;
        });
    }

    @Test
    void worksFromAPlainThread() {
        CompletableFuture<String> future = CompletableFuture.supplyAsync(() -> "async");
        assertEquals("async", Operation.fromCompletionStage(future).perform());
    }
}
