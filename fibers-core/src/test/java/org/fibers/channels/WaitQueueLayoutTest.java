package org.fibers.channels;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The padding of WaitQueue really keeps head on a cache line of its own (see WaitQueuePadding). */
class WaitQueueLayoutTest {
    private static final int LINE = 64;

    @SuppressWarnings({"removal", "deprecation"})
    static long offset(Field f) throws Exception {
        Field u = sun.misc.Unsafe.class.getDeclaredField("theUnsafe");
        u.setAccessible(true);
        return ((sun.misc.Unsafe) u.get(null)).objectFieldOffset(f);
    }

    @Test
    void headIsALineAwayFromEveryOtherField() throws Exception {
        long head = -1;
        List<Field> others = new ArrayList<>();
        for (Class<?> c = WaitQueue.class; c != Object.class; c = c.getSuperclass()) {
            for (Field f : c.getDeclaredFields()) {
                if (java.lang.reflect.Modifier.isStatic(f.getModifiers())) {
                    continue;
                }
                if (f.getName().equals("head")) {
                    head = offset(f);
                } else if (!f.getName().matches("p\\d+|gap\\d+")) {
                    others.add(f);
                }
            }
        }
        assertTrue(head >= LINE, "head sits at least a line past the object header: " + head);
        assertTrue(!others.isEmpty(), "tail and the counters were found");
        for (Field f : others) {
            long o = offset(f);
            assertTrue(Math.abs(o - head) >= LINE, f.getName() + " at " + o + " is a line away from head at " + head);
        }
    }
}
