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
final class ChannelOnFloor extends BatchFedWorld {
    private final FloorExecutor executor = new FloorExecutor("channel-on-floor-carrier");
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
            serveBatches(n -> {
                for (int i = 0; i < n; i++) {
                    ping.put(MSG);
                    pong.get();
                }
            });
            ping.put(null); // the partner's stop signal
        });
        partner.start();
        driver.start();
    }

    @Override
    void awaitEnd() throws InterruptedException {
        driver.join();
        partner.join();
        executor.close();
    }
}
