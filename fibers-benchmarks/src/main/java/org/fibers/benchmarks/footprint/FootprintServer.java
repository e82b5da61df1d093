package org.fibers.benchmarks.footprint;

import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufAllocatorMetricProvider;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Stream;
import org.fibers.io.FiberSocket;

/**
 * A server process under measurement: runs another server's {@code main} (our ping server, the
 * JDK-socket one, Netty's) in a thread, and answers commands on standard input with one line of
 * figures about this process on standard output.
 *
 * <pre>
 * FootprintServer MAIN-CLASS [ARGS...]
 *   stdin "stats gc"  -> full GC first, then  STATS rss=B heap=B jvmDirect=B fibersBuffers=B fibersPooled=B nettyDirect=B fds=N gcs=N
 *   stdin "stats"     -> the same without the GC (heap is then simply the heap in use)
 * </pre>
 * rss is VmRSS from /proc/self/status; heap is the used heap (after the full GC if asked);
 * jvmDirect is the JVM's "direct" buffer pool; fibersBuffers the native memory of
 * {@link FiberSocket}'s buffers (held by sockets plus kept free by the pool), fibersPooled the
 * part kept free; nettyDirect what Netty's default allocator holds (0 unless
 * Netty runs here); fds the open descriptors; gcs the collections so far.
 */
public final class FootprintServer {
    private FootprintServer() {
    }

    /** Runs as the class comment describes. */
    public static void main(String[] args) throws Exception {
        if (args.length < 1) {
            System.err.println("usage: FootprintServer MAIN-CLASS [ARGS...]");
            System.exit(2);
        }
        Method main = Class.forName(args[0]).getMethod("main", String[].class);
        String[] rest = Arrays.copyOfRange(args, 1, args.length);
        boolean netty = args[0].contains("Netty");
        Thread server = new Thread(() -> {
            try {
                main.invoke(null, (Object) rest);
            } catch (ReflectiveOperationException e) {
                e.printStackTrace();
                System.exit(1);
            }
        }, "server-main");
        server.setDaemon(true);
        server.start();
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line;
        while ((line = in.readLine()) != null) {
            line = line.trim();
            if (line.equals("stats") || line.equals("stats gc")) {
                if (line.endsWith("gc")) {
                    System.gc();
                }
                System.out.println(stats(netty));
                System.out.flush();
            } else if (line.equals("quit")) {
                break;
            } else if (!line.isEmpty()) {
                System.out.println("ERROR unknown command " + line);
                System.out.flush();
            }
        }
        System.exit(0);
    }

    private static String stats(boolean netty) throws IOException {
        MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
        long direct = ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class).stream()
                .filter(b -> b.getName().equals("direct")).mapToLong(BufferPoolMXBean::getMemoryUsed).sum();
        long nettyDirect = 0;
        if (netty && ByteBufAllocator.DEFAULT instanceof ByteBufAllocatorMetricProvider p) {
            nettyDirect = p.metric().usedDirectMemory();
        }
        long gcs = ManagementFactory.getGarbageCollectorMXBeans().stream()
                .mapToLong(GarbageCollectorMXBean::getCollectionCount).filter(n -> n > 0).sum();
        long fds;
        try (Stream<Path> s = Files.list(Path.of("/proc/self/fd"))) {
            fds = s.count() - 1; // the listing's own descriptor
        }
        return String.format(Locale.ROOT, "STATS rss=%d heap=%d jvmDirect=%d fibersBuffers=%d fibersPooled=%d nettyDirect=%d fds=%d gcs=%d",
                rssBytes(), heap.getUsed(), direct, FiberSocket.nativeBufferBytes(), FiberSocket.pooledBufferBytes(), nettyDirect,
                fds, gcs);
    }

    /** VmRSS of this process, in bytes. */
    static long rssBytes() throws IOException {
        for (String l : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (l.startsWith("VmRSS:")) {
                return Long.parseLong(l.replaceAll("[^0-9]", "")) * 1024;
            }
        }
        throw new IOException("no VmRSS in /proc/self/status");
    }
}
