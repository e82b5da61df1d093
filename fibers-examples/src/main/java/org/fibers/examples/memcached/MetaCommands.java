package org.fibers.examples.memcached;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.fibers.examples.memcached.CacheOps.Counter;
import org.fibers.examples.memcached.CacheOps.Mode;
import org.fibers.examples.memcached.CacheOps.Stored;

/**
 * memcached 1.6.18's meta protocol: {@code mg ms md ma mn me}. Return codes HD, VA, EN, NS,
 * EX, NF, MN; flags one letter each, with a token after some: b (base64 key), c, f, h, k, l,
 * O (opaque, at most 32 bytes), q (quiet: no HD, or EN for mg, so {@code mn} can end a batch),
 * s, t, v, T (new TTL), N (vivify on miss, with a W win token), I (invalidate: mark stale),
 * C (compare cas), F (client flags), M (mode: ms E A P R S, ma I + D -), J and D (ma's initial
 * value and delta). Return flags are echoed in the order given; W, X (stale) and Z (a win
 * token is out) follow them. An unknown flag gets {@code CLIENT_ERROR invalid flag}, and ms's
 * data block is then skipped, as in memcached. Runs in the connection's fiber.
 */
final class MetaCommands {
    private static final String BAD_FORMAT = "CLIENT_ERROR bad command line format";
    private static final String BAD_TOKEN = "CLIENT_ERROR bad token in command line format";

    private final Connection c;
    private final CacheOps ops;
    private final Tokens t = new Tokens();
    private final StringBuilder out = new StringBuilder(128);
    /** Index of each flag's token (by letter), or -1. */
    private final int[] flag = new int[128];
    private Key key;
    private boolean base64;

    MetaCommands(Connection c) {
        this.c = c;
        this.ops = c.server.ops;
    }

    /** Runs the meta command in {@code line[from, to)}; false when the connection must close. */
    boolean execute(byte[] line, int from, int to) throws IOException {
        t.split(line, from, to);
        c.server.stats.cmdMeta.increment();
        String cmd = t.text(0);
        if (cmd.equals("mn")) {
            c.reply("MN");
            return true;
        }
        if (t.count() < 2) {
            c.reply(switch (cmd) {
                case "me", "ms", "md", "ma" -> BAD_FORMAT;
                default -> "ERROR";
            });
            return true;
        }
        switch (cmd) {
            case "mg" -> get();
            case "ms" -> set();
            case "md" -> delete();
            case "ma" -> arithmetic();
            case "me" -> debug();
            default -> c.reply("ERROR");
        }
        return true;
    }

    /** Reads the flags from token {@code first} on; null if fine, else the error line. */
    private String parseFlags(int first, String allowed) {
        java.util.Arrays.fill(flag, -1);
        for (int i = first; i < t.count(); i++) {
            int f = t.line()[t.start(i)];
            if (f < 0 || f >= 128 || allowed.indexOf(f) < 0) {
                return "CLIENT_ERROR invalid flag";
            }
            if (flag[f] >= 0) {
                return "CLIENT_ERROR duplicate flag";
            }
            flag[f] = i;
            if (f == 'O' && t.length(i) > 33) {
                return "CLIENT_ERROR opaque token too long";
            }
        }
        base64 = flag['b'] >= 0;
        int keyLength = t.length(1);
        if (base64) {
            try {
                byte[] raw = Base64.getDecoder().decode(t.text(1));
                key = Key.of(raw, 0, raw.length);
            } catch (IllegalArgumentException e) {
                return "CLIENT_ERROR error decoding key";
            }
            keyLength = key.length();
        }
        if (keyLength > Key.MAX_LENGTH) {
            return BAD_FORMAT;
        }
        if (!base64) {
            key = t.key(1);
        }
        return null;
    }

    private boolean has(char f) {
        return flag[f] >= 0;
    }

    /** The number after flag {@code f} (signed 32-bit), or {@link Numbers#INVALID}. */
    private long number(char f) {
        int i = flag[f];
        return Numbers.int32(t.line(), t.start(i) + 1, t.end(i));
    }

    private long deadline(long ttl) {
        return ops.store().deadline(ttl, System.currentTimeMillis());
    }

    /** Appends the flags that only echo: O and k (with b). */
    private void echo(int i) {
        int f = t.line()[t.start(i)];
        if (f == 'O') {
            out.append(' ').append(t.text(i));
        } else if (f == 'k') {
            out.append(" k").append(t.text(1));
            if (base64) {
                out.append(" b");
            }
        }
    }

    private void send() throws IOException {
        out.append("\r\n");
        c.write(out.toString().getBytes(StandardCharsets.ISO_8859_1));
    }

    /** {@code mg <key> <flags>*}. */
    private void get() throws IOException {
        String error = parseFlags(2, "bcfhklOqstvNT");
        if (error == null && ((has('T') && number('T') == Numbers.INVALID) || (has('N') && number('N') == Numbers.INVALID))) {
            error = BAD_TOKEN;
        }
        if (error != null) {
            c.reply(error);
            return;
        }
        long now = System.currentTimeMillis();
        long touch = has('T') ? deadline(number('T')) : -1;
        long vivify = has('N') ? deadline(number('N')) : -1;
        // what the item looked like before this access: fetched, last access, win/stale tokens
        long[] before = new long[2];
        StringBuilder tokens = new StringBuilder();
        Item it = ops.store().locked(key, s -> {
            Item cur = s.find(key, now);
            boolean created = false;
            if (cur == null && vivify != -1) {
                cur = new Item(key, new byte[0], 0, vivify, now, ops.store().nextCas());
                s.put(cur);
                created = true;
            }
            if (cur == null) {
                return null;
            }
            if (touch != -1) {
                Item next = CacheOps.withDeadline(cur, touch);
                next.fetched = cur.fetched;
                next.lastAccessMillis = cur.lastAccessMillis;
                s.put(next);
                cur = next;
            }
            before[0] = cur.fetched ? 1 : 0;
            before[1] = cur.lastAccessMillis;
            boolean won = created;
            if (!created) {
                if (cur.winTokenSent) {
                    tokens.append(" Z");
                }
                if (cur.stale) {
                    tokens.append(" X");
                    won = !cur.winTokenSent;
                }
            }
            if (won) {
                tokens.append(" W");
                cur.winTokenSent = true;
            }
            cur.fetched = true;
            cur.lastAccessMillis = now;
            return cur;
        });
        (it != null ? c.server.stats.getHits : c.server.stats.getMisses).increment();
        c.server.stats.cmdGet.increment();
        out.setLength(0);
        if (it == null) {
            if (has('q')) {
                return;
            }
            out.append("EN");
            for (int i = 2; i < t.count(); i++) {
                echo(i);
            }
            send();
            return;
        }
        out.append(has('v') ? "VA " + it.value.length : "HD");
        for (int i = 2; i < t.count(); i++) {
            switch (t.line()[t.start(i)]) {
                case 'c' -> out.append(" c").append(Long.toUnsignedString(it.cas));
                case 'f' -> out.append(" f").append(it.flags & 0xFFFF_FFFFL);
                case 'h' -> out.append(" h").append(before[0]);
                case 'l' -> out.append(" l").append((now - before[1]) / 1000);
                case 's' -> out.append(" s").append(it.value.length);
                case 't' -> out.append(" t").append(Expiry.remainingSeconds(it.expiresAtMillis, now));
                default -> echo(i);
            }
        }
        out.append(tokens);
        send();
        if (has('v')) {
            c.write(it.value);
            c.crlf();
        }
    }

    /** {@code ms <key> <datalen> <flags>*}, then the data block. */
    private void set() throws IOException {
        long length = t.count() > 2 ? t.int32(2) : Numbers.INVALID;
        if (length == Numbers.INVALID || length < 0 || length > Integer.MAX_VALUE - 2) {
            c.reply(BAD_FORMAT);
            return;
        }
        String error = parseFlags(3, "bcCFIkOqTM");
        long flags = 0;
        long ttl = 0;
        long compare = 0;
        Mode mode = Mode.SET;
        if (error == null) {
            if (has('F')) {
                int i = flag['F'];
                flags = Numbers.uint32(t.line(), t.start(i) + 1, t.end(i));
            }
            ttl = has('T') ? number('T') : 0;
            if (has('C')) {
                boolean[] valid = new boolean[1];
                int i = flag['C'];
                compare = Numbers.uint64(t.line(), t.start(i) + 1, t.end(i), valid);
                error = valid[0] ? null : BAD_TOKEN;
            }
            if (flags == Numbers.INVALID || ttl == Numbers.INVALID) {
                error = BAD_TOKEN;
            }
            if (error == null && has('M')) {
                int i = flag['M'];
                mode = t.length(i) != 2 ? null : switch (t.line()[t.start(i) + 1]) {
                    case 'S' -> Mode.SET;
                    case 'E' -> Mode.ADD;
                    case 'A' -> Mode.APPEND;
                    case 'P' -> Mode.PREPEND;
                    case 'R' -> Mode.REPLACE;  // upper case only, as in 1.6.18
                    default -> null;
                };
                if (mode == null) {
                    error = "CLIENT_ERROR invalid mode for ms M token";
                }
            }
        }
        if (error == null) {
            error = ops.sizeError(key.length(), length);
        }
        if (error != null) {
            c.reply(error);
            c.swallow(length + 2);
            return;
        }
        byte[] value = new byte[(int) length];
        if (!c.readBlock(value)) {
            c.reply("CLIENT_ERROR bad data chunk");
            return;
        }
        Stored r = ops.store(mode, key, value, (int) flags, deadline(ttl), compare);
        out.setLength(0);
        switch (r.outcome()) {
            case STORED -> {
                if (has('q')) {
                    return;
                }
                out.append("HD");
            }
            case NOT_STORED -> out.append("NS");
            case EXISTS -> out.append("EX");
            case NOT_FOUND -> out.append("NF");
        }
        for (int i = 3; i < t.count(); i++) {
            if (t.line()[t.start(i)] == 'c') {
                out.append(" c").append(Long.toUnsignedString(r.cas()));
            } else {
                echo(i);
            }
        }
        send();
    }

    /** {@code md <key> <flags>*}: delete, or with I mark stale (and T set a new TTL). */
    private void delete() throws IOException {
        String error = parseFlags(2, "bCIkOqT");
        long compare = 0;
        if (error == null && has('C')) {
            boolean[] valid = new boolean[1];
            int i = flag['C'];
            compare = Numbers.uint64(t.line(), t.start(i) + 1, t.end(i), valid);
            error = valid[0] ? null : BAD_TOKEN;
        }
        if (error == null && has('T') && number('T') == Numbers.INVALID) {
            error = BAD_TOKEN;
        }
        if (error != null) {
            c.reply(error);
            return;
        }
        long now = System.currentTimeMillis();
        long cas = compare;
        long ttl = has('T') ? deadline(number('T')) : -1;
        boolean invalidate = has('I');
        String code = ops.store().locked(key, s -> {
            Item cur = s.find(key, now);
            if (cur == null) {
                return "NF";
            }
            if (cas != 0 && cur.cas != cas) {
                return "EX";
            }
            if (invalidate) {
                // invalidation bumps the cas unique, as in memcached
                Item next = new Item(key, cur.value, cur.flags, ttl == -1 ? cur.expiresAtMillis : ttl,
                        cur.storedAtMillis, ops.store().nextCas());
                next.lastAccessMillis = cur.lastAccessMillis;
                next.stale = true;
                next.winTokenSent = false;
                next.fetched = cur.fetched;
                s.put(next);
            } else {
                s.remove(key);
            }
            return "HD";
        });
        (code.equals("HD") ? c.server.stats.deleteHits : c.server.stats.deleteMisses).increment();
        if (code.equals("HD") && has('q')) {
            return;
        }
        out.setLength(0);
        out.append(code);
        for (int i = 2; i < t.count(); i++) {
            echo(i);
        }
        send();
    }

    /** {@code ma <key> <flags>*}: incr (default) or decr by D (default 1). */
    private void arithmetic() throws IOException {
        String error = parseFlags(2, "bCNJDTMOqtcvk");
        boolean[] valid = new boolean[1];
        long delta = 1;
        long initial = 0;
        long compare = 0;
        boolean incr = true;
        if (error == null && has('D')) {
            delta = Numbers.uint64(t.line(), t.start(flag['D']) + 1, t.end(flag['D']), valid);
            error = valid[0] ? null : "CLIENT_ERROR invalid or duplicate flag";
        }
        if (error == null && has('J')) {
            initial = Numbers.uint64(t.line(), t.start(flag['J']) + 1, t.end(flag['J']), valid);
            error = valid[0] ? null : "CLIENT_ERROR invalid or duplicate flag";
        }
        if (error == null && has('C')) {
            compare = Numbers.uint64(t.line(), t.start(flag['C']) + 1, t.end(flag['C']), valid);
            error = valid[0] ? null : "CLIENT_ERROR invalid or duplicate flag";
        }
        if (error == null && ((has('N') && number('N') == Numbers.INVALID) || (has('T') && number('T') == Numbers.INVALID))) {
            error = "CLIENT_ERROR invalid or duplicate flag";
        }
        if (error == null && has('M')) {
            int i = flag['M'];
            int m = t.length(i) == 2 ? t.line()[t.start(i) + 1] : 0;
            if (m == 'I' || m == 'i' || m == '+') {
                incr = true;
            } else if (m == 'D' || m == 'd' || m == '-') {
                incr = false;
            } else {
                error = "CLIENT_ERROR invalid mode for ma M token";
            }
        }
        if (error != null) {
            c.reply(error);
            return;
        }
        Counter r = ops.arithmetic(key, incr, delta, compare, has('N') ? deadline(number('N')) : -1, initial,
                has('T') ? deadline(number('T')) : -1);
        out.setLength(0);
        if (!r.found()) {
            out.append("NF");
        } else if (!r.numeric()) {
            c.reply("CLIENT_ERROR cannot increment or decrement non-numeric value");
            return;
        } else if (r.cas() == -1) {
            out.append("EX");
        } else {
            if (has('q') && !has('v')) {
                return;
            }
            String v = Long.toUnsignedString(r.value());
            out.append(has('v') ? "VA " + v.length() : "HD");
            long now = System.currentTimeMillis();
            for (int i = 2; i < t.count(); i++) {
                switch (t.line()[t.start(i)]) {
                    case 'c' -> out.append(" c").append(Long.toUnsignedString(r.cas()));
                    case 't' -> {
                        Item it = ops.store().locked(key, s -> s.find(key, now));
                        out.append(" t").append(it == null ? -1 : Expiry.remainingSeconds(it.expiresAtMillis, now));
                    }
                    default -> echo(i);
                }
            }
            send();
            if (has('v')) {
                c.reply(v);
            }
            return;
        }
        for (int i = 2; i < t.count(); i++) {
            echo(i);
        }
        send();
    }

    /** {@code me <key>}: what is known about the item, memcached's debug line. */
    private void debug() throws IOException {
        String error = parseFlags(2, "b");
        if (error != null) {
            c.reply(error);
            return;
        }
        long now = System.currentTimeMillis();
        Item it = ops.store().locked(key, s -> s.find(key, now));
        if (it == null) {
            c.reply("EN");
            return;
        }
        c.reply("ME " + t.text(1) + " exp=" + Expiry.remainingSeconds(it.expiresAtMillis, now)
                + " la=" + (now - it.lastAccessMillis) / 1000 + " cas=" + Long.toUnsignedString(it.cas)
                + " fetch=" + (it.fetched ? "yes" : "no") + " cls=1 size=" + it.size());
    }
}
