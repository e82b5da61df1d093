package org.fibers.benchmarks.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ProcessCpuSplitTest {
    @Test
    void readsUtimeAndStimeAfterACommandNameWithSpacesAndParentheses() {
        String stat = "4242 (C2 Compiler) x) S 1 4242 4242 0 -1 4194560 1200 0 3 0 731 1106 0 0 20 0 25 0 9 0";
        assertEquals(new ProcessCpuSplit(731, 1106), ProcessCpuSplit.parse(stat));
    }

    @Test
    void aMalformedLineIsUnknownNotAnError() {
        assertNull(ProcessCpuSplit.parse("no parentheses 1 2 3"));
        assertNull(ProcessCpuSplit.parse("1 (java) S 1 2"));
        assertNull(ProcessCpuSplit.parse("1 (java) S 1 2 3 4 5 6 7 8 9 x y 11"));
    }

    @Test
    void theUserShareIsTheUserPartOfTheTicksBetweenTwoReadings() {
        assertEquals(0.25, ProcessCpuSplit.userShare(new ProcessCpuSplit(100, 200), new ProcessCpuSplit(110, 230)), 1e-9);
        assertTrue(Double.isNaN(ProcessCpuSplit.userShare(new ProcessCpuSplit(5, 5), new ProcessCpuSplit(5, 5))));
        assertTrue(Double.isNaN(ProcessCpuSplit.userShare(null, new ProcessCpuSplit(5, 5))));
    }

    @Test
    void thisJvmsOwnSplitIsReadable() {
        ProcessCpuSplit me = ProcessCpuSplit.of(ProcessHandle.current().pid());
        assertNotNull(me, "/proc/self/stat is readable on Linux");
        assertTrue(me.userTicks() + me.systemTicks() > 0, "a JVM that got this far has used CPU: " + me);
    }
}
