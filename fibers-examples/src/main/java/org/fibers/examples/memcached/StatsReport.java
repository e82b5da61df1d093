package org.fibers.examples.memcached;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.atomic.LongAdder;

/**
 * {@code stats}, {@code stats settings} and {@code stats reset}: memcached's names, and only
 * the statistics this server really keeps (no slab or LRU-crawler internals). Other
 * {@code stats} arguments get {@code ERROR}, as unknown ones do in memcached.
 */
final class StatsReport {
    private final Connection c;
    private final MemcachedServer server;
    private final StringBuilder out = new StringBuilder(2048);

    StatsReport(Connection c) {
        this.c = c;
        this.server = c.server;
    }

    /** Answers the {@code stats} line in {@code t}. */
    void stats(Tokens t) throws IOException {
        if (t.count() == 1) {
            general();
        } else if (t.count() == 2 && t.is(1, "settings")) {
            settings();
        } else if (t.count() >= 2 && t.is(1, "settings") && t.noreply()) {
            settings();
        } else if (t.count() == 2 && t.is(1, "reset")) {
            server.stats.reset();
            c.reply("RESET");
            return;
        } else {
            c.reply("ERROR");
            return;
        }
        out.append("END\r\n");
        c.write(out.toString().getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
    }

    private void general() {
        ServerStats s = server.stats;
        Store store = server.ops.store();
        long now = System.currentTimeMillis();
        stat("pid", ProcessHandle.current().pid());
        stat("uptime", (now - s.startMillis) / 1000);
        stat("time", now / 1000);
        stat("version", MemcachedServer.VERSION);
        stat("pointer_size", 64);
        double[] rusage = rusage();
        stat("rusage_user", String.format(Locale.ROOT, "%.6f", rusage[0]));
        stat("rusage_system", String.format(Locale.ROOT, "%.6f", rusage[1]));
        stat("max_connections", server.options.maxConns());
        stat("curr_connections", s.currConnections.get());
        stat("total_connections", s.totalConnections);
        stat("rejected_connections", s.rejectedConnections);
        stat("connection_structures", s.currConnections.get());
        stat("cmd_get", s.cmdGet);
        stat("cmd_set", s.cmdSet);
        stat("cmd_flush", s.cmdFlush);
        stat("cmd_touch", s.cmdTouch);
        stat("cmd_meta", s.cmdMeta);
        stat("get_hits", s.getHits);
        stat("get_misses", s.getMisses);
        stat("delete_misses", s.deleteMisses);
        stat("delete_hits", s.deleteHits);
        stat("incr_misses", s.incrMisses);
        stat("incr_hits", s.incrHits);
        stat("decr_misses", s.decrMisses);
        stat("decr_hits", s.decrHits);
        stat("cas_misses", s.casMisses);
        stat("cas_hits", s.casHits);
        stat("cas_badval", s.casBadval);
        stat("touch_hits", s.touchHits);
        stat("touch_misses", s.touchMisses);
        stat("store_too_large", s.storeTooLarge);
        stat("store_no_memory", s.storeNoMemory);
        stat("bytes_read", s.bytesRead);
        stat("bytes_written", s.bytesWritten);
        stat("limit_maxbytes", store.limitBytes());
        stat("accepting_conns", 1);
        stat("threads", server.options.parallelism());
        stat("bytes", store.bytes());
        stat("curr_items", store.items());
        stat("total_items", store.totalItems());
        stat("evictions", store.evictions());
        stat("reclaimed", store.reclaimed());
    }

    private void settings() {
        ServerOptions o = server.options;
        stat("maxbytes", o.maxBytes());
        stat("maxconns", o.maxConns());
        stat("tcpport", server.port());
        stat("udpport", 0);
        stat("inter", o.host());
        stat("verbosity", server.stats.verbosity);
        stat("evictions", "on");
        stat("num_threads", o.parallelism());
        stat("cas_enabled", "yes");
        stat("tcp_backlog", MemcachedServer.BACKLOG);
        stat("binding_protocol", "ascii");
        stat("auth_enabled_sasl", "no");
        stat("item_size_max", o.itemMax());
        stat("flush_enabled", "yes");
        stat("idle_timeout", 0);
        stat("store_stripes", Store.STRIPES);
    }

    private void stat(String name, Object value) {
        out.append("STAT ").append(name).append(' ').append(value instanceof LongAdder a ? a.sum() : value).append("\r\n");
    }

    /** This process's user and system CPU seconds, from /proc/self/stat (zeros elsewhere). */
    private static double[] rusage() {
        try {
            String stat = Files.readString(Path.of("/proc/self/stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            // fields 14 and 15 of stat(5) are utime and stime; f[0] is field 3
            return new double[] {Long.parseLong(f[11]) / 100.0, Long.parseLong(f[12]) / 100.0};
        } catch (IOException | RuntimeException e) {
            return new double[] {0, 0};
        }
    }
}
