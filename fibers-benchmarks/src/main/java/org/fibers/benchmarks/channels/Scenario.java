package org.fibers.benchmarks.channels;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;
import java.util.function.IntConsumer;
import org.fibers.Fiber;
import org.fibers.Fibers;
import org.fibers.RunOptions;
import org.fibers.channels.BufferedChannel;
import org.fibers.channels.Channel;
import org.fibers.operations.Operation;
import org.fibers.scheduler.Scheduler;

/**
 * A running benchmark world: threads or fibers set up once, then driven in batches from the
 * benchmark thread. {@link #run(int)} performs {@code n} operations (round trips, or messages
 * for the choice) and returns when they are done; the cost of handing the batch to the world
 * and back is amortised over the batch.
 */
interface Scenario extends AutoCloseable {
    /** A boxed message, shared so that no benchmark allocates its messages. */
    Integer MSG = 1;

    void run(int n);

    @Override
    void close();

    /** Names accepted by {@link #open(String)}, in report order. */
    String[] NAMES = {"loom-floor", "fibers-1-scheduler", "fibers-2-schedulers", "syncqueue-default-vt", "fibers-choice-4",
        "fibers-park-1-scheduler", "channel-on-floor", "kotlin-1-thread", "kotlin-default", "kotlin-select-4", "kotlin-select-4-default",
        "fibers-buffered-16", "kotlin-buffered-16", "abq-16-default-vt", "fibers-spawn-join-1-scheduler"};

    static Scenario open(String name) {
        return switch (name) {
            case "loom-floor" -> new LoomFloor();
            case "fibers-1-scheduler" -> fiberPingPong(1);
            case "fibers-2-schedulers" -> fiberPingPong(2);
            case "syncqueue-default-vt" -> new SyncQueuePingPong();
            case "fibers-choice-4" -> fiberChoice(4);
            case "fibers-park-1-scheduler" -> fiberPark();
            case "channel-on-floor" -> new ChannelOnFloor();
            case "kotlin-1-thread" -> new InKotlin(KotlinChannelWorld.pingPong(false));
            case "kotlin-default" -> new InKotlin(KotlinChannelWorld.pingPong(true));
            case "kotlin-select-4" -> new InKotlin(KotlinChannelWorld.select(4, false));
            case "kotlin-select-4-default" -> new InKotlin(KotlinChannelWorld.select(4, true));
            case "fibers-buffered-16" -> fiberBuffered(16);
            case "kotlin-buffered-16" -> new InKotlin(KotlinChannelWorld.buffered(16, false));
            case "abq-16-default-vt" -> new BlockingQueueStream(new ArrayBlockingQueue<>(16));
            case "fibers-spawn-join-1-scheduler" -> fiberSpawnJoin();
            default -> throw new IllegalArgumentException("unknown scenario " + name);
        };
    }

    /** Channel ping-pong between two fibers; with 2 schedulers the partner starts on the peer. */
    static Scenario fiberPingPong(int parallelism) {
        return new InFibers(parallelism, here -> {
            Channel<Integer> ping = new Channel<>();
            Channel<Integer> pong = new Channel<>();
            Scheduler target = parallelism == 1 ? here : here.remotePeers().get(0);
            Fibers.spawn(() -> {
                for (;;) {
                    pong.put(ping.get());
                }
            }, target, false);
            return n -> {
                for (int i = 0; i < n; i++) {
                    ping.put(MSG);
                    pong.get();
                }
            };
        });
    }

    /**
     * The Loom floor's hand-off (bare park/unpark, a volatile turn) between two fibers on one of
     * our schedulers: beside {@code loom-floor}, what the scheduler alone adds to a hand-off.
     */
    static Scenario fiberPark() {
        return new InFibers(1, here -> {
            Thread driver = Thread.currentThread();
            AtomicInteger turn = new AtomicInteger(); // 1 = the partner's, 0 = the driver's
            Thread partner = Fibers.spawn(() -> {
                for (;;) {
                    while (turn.get() != 1) {
                        if (Thread.currentThread().isInterrupted()) {
                            return;                 // cancelled as the world closes
                        }
                        LockSupport.park();
                    }
                    turn.set(0);
                    LockSupport.unpark(driver);
                }
            }).thread();
            return n -> {
                for (int i = 0; i < n; i++) {
                    turn.set(1);
                    LockSupport.unpark(partner);
                    while (turn.get() != 0) {
                        LockSupport.park();
                    }
                }
            };
        });
    }

    /**
     * Spawn-and-join on one scheduler: one operation is an empty fiber spawned by the driver
     * fiber; each batch spawns its fibers, then joins them in order (as SpawnJoin's fibers_p1,
     * in batches, so that builds can be compared by CompareBuilds).
     */
    static Scenario fiberSpawnJoin() {
        return new InFibers(1, here -> {
            Runnable empty = () -> {
            };
            return n -> {
                Fiber<?>[] fibers = new Fiber<?>[n];
                for (int i = 0; i < n; i++) {
                    fibers[i] = Fibers.spawn(empty);
                }
                for (int i = 0; i < n; i++) {
                    fibers[i].join();
                }
            };
        });
    }

    /** A consumer choosing among k channels, each with a sender that is always ready. */
    static Scenario fiberChoice(int k) {
        return new InFibers(1, here -> {
            @SuppressWarnings("unchecked")
            Operation<Integer>[] gets = new Operation[k];
            for (int i = 0; i < k; i++) {
                Channel<Integer> ch = new Channel<>();
                gets[i] = ch.getOperation();
                Fibers.spawn(() -> {
                    for (;;) {
                        ch.put(MSG);
                    }
                });
            }
            Operation<Integer> any = Operation.choice(gets);
            return n -> {
                for (int i = 0; i < n; i++) {
                    any.perform();
                }
            };
        });
    }

    /**
     * A producer fiber putting into a {@link BufferedChannel} of {@code capacity} as fast as it
     * can, on the driver's scheduler; one operation is one message received by the driver.
     */
    static Scenario fiberBuffered(int capacity) {
        return new InFibers(1, here -> {
            BufferedChannel<Integer> ch = new BufferedChannel<>(capacity);
            Fibers.spawn(() -> {
                for (;;) {
                    ch.put(MSG);
                }
            });
            return n -> {
                for (int i = 0; i < n; i++) {
                    ch.get();
                }
            };
        });
    }

    /**
     * A Fibers.run world on its own platform thread; the init fiber sets up the fibers and then
     * runs batches on request. Fibers left when it returns are cancelled by Fibers.run.
     */
    final class InFibers extends BatchFedWorld {
        private final Thread runner;

        InFibers(int parallelism, Function<Scheduler, IntConsumer> setup) {
            runner = Thread.ofPlatform().name("bench-" + parallelism).start(() ->
                    Fibers.run(RunOptions.builder().parallelism(parallelism).build(), () -> {
                        serveBatches(setup.apply(Scheduler.current()));
                        return null;
                    }));
        }

        @Override
        void awaitEnd() throws InterruptedException {
            runner.join();
        }
    }

    /**
     * A Kotlin coroutines world (the peer PEERS.md names): ping-pong over rendezvous channels on
     * runBlocking's one thread or on Dispatchers.Default, or a select over k channels.
     */
    record InKotlin(KotlinChannelWorld world) implements Scenario {
        @Override
        public void run(int n) {
            world.run(n);
        }

        @Override
        public void close() {
            world.close();
        }
    }

    /**
     * A producer virtual thread putting into a bounded {@link BlockingQueue} as fast as it can,
     * a driver virtual thread taking, both on the JDK's default scheduler: one operation is one
     * message taken (the peer of {@code fibers-buffered-16}).
     */
    final class BlockingQueueStream implements Scenario {
        private final SynchronousQueue<Integer> requests = new SynchronousQueue<>();
        private final SynchronousQueue<Integer> replies = new SynchronousQueue<>();
        private final Thread driver;
        private final Thread producer;

        BlockingQueueStream(BlockingQueue<Integer> queue) {
            producer = Thread.ofVirtual().start(() -> {
                try {
                    for (;;) {
                        queue.put(MSG);
                    }
                } catch (InterruptedException e) {
                    // closed
                }
            });
            driver = Thread.ofVirtual().start(() -> {
                try {
                    for (int n = requests.take(); n >= 0; n = requests.take()) {
                        for (int i = 0; i < n; i++) {
                            queue.take();
                        }
                        replies.put(n);
                    }
                } catch (InterruptedException e) {
                    // closed
                }
            });
        }

        @Override
        public void run(int n) {
            try {
                requests.put(n);
                replies.take();
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        }

        @Override
        public void close() {
            try {
                requests.put(-1);
                driver.join();
                producer.interrupt();
                producer.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** SynchronousQueue ping-pong between two virtual threads on the JDK's default scheduler. */
    final class SyncQueuePingPong implements Scenario {
        private final SynchronousQueue<Integer> requests = new SynchronousQueue<>();
        private final SynchronousQueue<Integer> replies = new SynchronousQueue<>();
        private final SynchronousQueue<Integer> ping = new SynchronousQueue<>();
        private final SynchronousQueue<Integer> pong = new SynchronousQueue<>();
        private final Thread driver;
        private final Thread partner;

        SyncQueuePingPong() {
            partner = Thread.ofVirtual().start(() -> {
                try {
                    for (;;) {
                        pong.put(ping.take());
                    }
                } catch (InterruptedException e) {
                    // closed
                }
            });
            driver = Thread.ofVirtual().start(() -> {
                try {
                    for (int n = requests.take(); n >= 0; n = requests.take()) {
                        for (int i = 0; i < n; i++) {
                            ping.put(MSG);
                            pong.take();
                        }
                        replies.put(n);
                    }
                } catch (InterruptedException e) {
                    // closed
                }
            });
        }

        @Override
        public void run(int n) {
            try {
                requests.put(n);
                replies.take();
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        }

        @Override
        public void close() {
            try {
                requests.put(-1);
                driver.join();
                partner.interrupt();
                partner.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
