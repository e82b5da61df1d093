package org.fibers.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

class LatencyTest {
    @Test
    void percentilesOfRecordedNanosAndTheLineRoundTrips() {
        Histogram h = Latency.newHistogram();
        for (int i = 1; i <= 1000; i++) {
            h.recordValue(i * 1000L); // 1 us .. 1 ms
        }
        Latency.Percentiles p = Latency.of(h);
        assertEquals(1000, p.count());
        assertEquals(0.5, p.p50Millis(), 0.001);
        assertEquals(0.9, p.p90Millis(), 0.001);
        assertEquals(0.99, p.p99Millis(), 0.001);
        assertEquals(1.0, p.maxMillis(), 0.001);
        Latency.Percentiles back = Latency.parse("1000 ops in 1 s\n" + p + "\n").orElseThrow();
        assertEquals(p.count(), back.count());
        assertEquals(p.p99Millis(), back.p99Millis(), 0.0005);
        assertTrue(Latency.parse("no latency here").isEmpty());
    }
}
