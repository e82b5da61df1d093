package org.fibers.benchmarks.channels;

import org.fibers.benchmarks.core.FloorExecutor;
import org.fibers.channels.Channel;
import org.fibers.internal.LoomSupport;

/**
 * Our {@link Channel} ping-pong between two virtual threads on the Loom floor's executor (no
 * Fibers scheduler at all). Beside {@code loom-floor} (same executor, bare park/unpark) it
 * isolates what the channel adds to a hand-off; beside {@code fibers-park-1-scheduler} and
 * {@code fibers-1-scheduler}, what our scheduler adds. A channel performed outside any fiber
 * parks its thread, so here it parks and unparks the virtual threads as the floor does.
 */
final class ChannelOnFloor implements Scenario {
    private final FloorExecutor executor = new FloorExecutor("channel-on-floor-carrier");
    /** Batch sizes from the benchmark thread to the driver; -1 stops it. */
    private final Channel<Integer> requests = new Channel<>();
    private final Channel<Integer> replies = new Channel<>();
    private final Thread driver;
    private final Thread partner;

    ChannelOnFloor() {
        Channel<Integer> ping = new Channel<>();
        Channel<Integer> pong = new Channel<>();
        partner = LoomSupport.newVirtualThread(executor, () -> {
            for (Integer m = ping.get(); m != null; m = ping.get()) {
                pong.put(m);
            }
        });
        driver = LoomSupport.newVirtualThread(executor, () -> {
            for (int n = requests.get(); n >= 0; n = requests.get()) {
                for (int i = 0; i < n; i++) {
                    ping.put(MSG);
                    pong.get();
                }
                replies.put(n);
            }
            ping.put(null); // the partner's stop signal
        });
        partner.start();
        driver.start();
    }

    @Override
    public void run(int n) {
        requests.put(n);
        replies.get();
    }

    @Override
    public void close() {
        requests.put(-1);
        try {
            driver.join();
            partner.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        executor.close();
    }
}
