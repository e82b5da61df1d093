package org.fibers.benchmarks.channels;

import java.util.concurrent.atomic.AtomicReference;
import org.fibers.Fibers;
import org.fibers.RunOptions;
import org.fibers.channels.Channel;
import org.fibers.scheduler.Scheduler;

/**
 * Where the two fibers of the cross-scheduler ping-pong run, sample after sample: the
 * fibers-2-schedulers world of {@link Scenario}, with a {@code SynchronousQueue} ping-pong on
 * default virtual threads between samples (as {@link InterleavedChannels} runs other worlds in
 * between). Each line gives the sample's ns per round trip, whether the two fibers ended it on
 * one scheduler, the steals so far and the turns each scheduler took. Two fibers that share a
 * carrier pay one-scheduler prices for good, so this is the check for anything that moves one
 * of a talking pair (a steal, a wake placement).
 *
 * <pre>
 * java --add-opens=java.base/java.lang=ALL-UNNAMED -cp fibers-benchmarks/target/benchmarks.jar \
 *      org.fibers.benchmarks.channels.PairPlacement [samples [--quiet]]
 * </pre>
 * {@code --quiet} leaves out the disturbance between samples.
 */
public final class PairPlacement {
    private static final int PER_SAMPLE = 20_000;

    private PairPlacement() {
    }

    public static void main(String[] args) throws InterruptedException {
        int samples = args.length > 0 ? Integer.parseInt(args[0]) : 40;
        boolean disturb = !(args.length > 1 && args[1].equals("--quiet"));
        Channel<Integer> requests = new Channel<>();
        Channel<String> replies = new Channel<>();
        Thread world = Thread.ofPlatform().name("pair-placement").start(() ->
                Fibers.run(RunOptions.builder().parallelism(2).build(), () -> {
                    pingPong(requests, replies);
                    return null;
                }));
        Scenario syncQueue = disturb ? Scenario.open("syncqueue-default-vt") : null;
        int together = 0;
        for (int s = 0; s < samples; s++) {
            requests.put(PER_SAMPLE);
            String line = replies.get();
            together += line.contains("together") ? 1 : 0;
            System.out.println("sample " + s + ": " + line);
            if (syncQueue != null) {
                syncQueue.run(PER_SAMPLE);      // the syncqueue-default-vt world: spins on both cores
            }
        }
        requests.put(0);
        world.join();
        if (syncQueue != null) {
            syncQueue.close();
        }
        System.out.printf("%d of %d samples ended with both fibers on one scheduler%n", together, samples);
    }

    /** The fibers-2-schedulers world, driven by requests; replies with one line per sample. */
    private static void pingPong(Channel<Integer> requests, Channel<String> replies) {
        Scheduler here = Scheduler.current();
        Scheduler there = here.remotePeers().get(0);
        Channel<Integer> ping = new Channel<>();
        Channel<Integer> pong = new Channel<>();
        AtomicReference<Scheduler> partnerOn = new AtomicReference<>();
        Fibers.spawn(() -> {
            for (;;) {
                Integer v = ping.get();
                partnerOn.setOpaque(Scheduler.current());
                pong.put(v);
            }
        }, there, false);
        for (int n = requests.get(); n > 0; n = requests.get()) {
            long turnsHere = here.runcount();
            long turnsThere = there.runcount();
            long sleepsHere = here.sleepCount();
            long sleepsThere = there.sleepCount();
            long t0 = System.nanoTime();
            for (int i = 0; i < n; i++) {
                ping.put(Scenario.MSG);
                pong.get();
            }
            long ns = (System.nanoTime() - t0) / n;
            Scheduler driverOn = Scheduler.current();
            replies.put(String.format("%5d ns per round trip, %s, steals %d/%d, turns %d/%d, sleeps %d/%d, wake latency %d µs", ns,
                    partnerOn.getOpaque() == driverOn ? "together on " + driverOn : "apart",
                    here.stolenTasks(), there.stolenTasks(), here.runcount() - turnsHere, there.runcount() - turnsThere,
                    here.sleepCount() - sleepsHere, there.sleepCount() - sleepsThere, here.wakeLatencyNanos() / 1000));
        }
    }
}
