package org.fibers;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SmokeTest {
    @Test
    void runsFibersThatSleepAndJoin() {
        int total = Fibers.run(RunOptions.builder().parallelism(2).build(), () -> {
            List<Fiber<Integer>> fibers = new ArrayList<>();
            for (int i = 0; i < 1000; i++) {
                int n = i;
                fibers.add(Fibers.spawn(() -> {
                    Fibers.sleep(Duration.ofMillis(n % 10));
                    return n;
                }));
            }
            int sum = 0;
            for (Fiber<Integer> f : fibers) {
                sum += f.join();
            }
            return sum;
        });
        assertEquals(999 * 1000 / 2, total);
    }
}
