package org.fibers.examples.memcached;

import java.io.IOException;
import org.fibers.examples.memcached.CacheOps.Counter;
import org.fibers.examples.memcached.CacheOps.Mode;
import org.fibers.examples.memcached.CacheOps.Stored;

/**
 * memcached's text protocol, one command line at a time, with memcached 1.6's replies byte for
 * byte (errors included): retrieval ({@code get gets gat gats}), storage ({@code set add
 * replace append prepend cas}), {@code delete incr decr touch flush_all version verbosity
 * stats quit}. {@code noreply} silences every reply of the command that carries it, errors
 * too, as in memcached. Runs in the connection's fiber.
 */
final class TextCommands {
    private static final String BAD_FORMAT = "CLIENT_ERROR bad command line format";
    private static final String BAD_EXPTIME = "CLIENT_ERROR invalid exptime argument";

    private final Connection c;
    private final CacheOps ops;
    private final Tokens t = new Tokens();
    private final boolean[] valid = new boolean[1];
    private boolean noreply;

    TextCommands(Connection c) {
        this.c = c;
        this.ops = c.server.ops;
    }

    /** Runs the command in {@code line[from, to)}; false when the connection must close. */
    boolean execute(byte[] line, int from, int to) throws IOException {
        t.split(line, from, to);
        noreply = false;
        int n = t.count();
        if (n == 0) {
            send("ERROR");
            return true;
        }
        String cmd = n > 0 && t.length(0) <= 9 ? t.text(0) : "";
        switch (cmd) {
            case "get" -> retrieve(n, false, false);
            case "gets" -> retrieve(n, true, false);
            case "gat" -> retrieve(n, false, true);
            case "gats" -> retrieve(n, true, true);
            case "set" -> storage(n, Mode.SET, false);
            case "add" -> storage(n, Mode.ADD, false);
            case "replace" -> storage(n, Mode.REPLACE, false);
            case "append" -> storage(n, Mode.APPEND, false);
            case "prepend" -> storage(n, Mode.PREPEND, false);
            case "cas" -> storage(n, Mode.SET, true);
            case "delete" -> delete(n);
            case "incr" -> incrDecr(n, true);
            case "decr" -> incrDecr(n, false);
            case "touch" -> touch(n);
            case "flush_all" -> flushAll(n);
            case "version" -> send("VERSION " + MemcachedServer.VERSION);
            case "verbosity" -> verbosity(n);
            case "stats" -> new StatsReport(c).stats(t);
            case "quit" -> {
                return false;
            }
            case "shutdown" -> send("ERROR: shutdown not enabled");
            default -> send("ERROR");
        }
        return true;
    }

    /** Replies {@code line} unless the command said noreply. */
    private void send(String line) throws IOException {
        if (!noreply) {
            c.reply(line);
        }
    }

    private void retrieve(int n, boolean withCas, boolean touch) throws IOException {
        int first = touch ? 2 : 1;
        if (n == 1) {
            send("ERROR");
            return;
        }
        long deadline = 0;
        if (touch) {
            long exptime = t.int32(1);
            if (exptime == Numbers.INVALID) {
                send(BAD_EXPTIME);
                return;
            }
            deadline = ops.store().deadline(exptime, System.currentTimeMillis());
        }
        // "gat <exptime>" without keys is an empty hit list in memcached, not an error
        for (int i = first; i < n; i++) {
            if (t.length(i) > Key.MAX_LENGTH) {
                send(BAD_FORMAT);
                return;
            }
        }
        for (int i = first; i < n; i++) {
            Key key = t.key(i);
            Item it = touch ? ops.getAndTouch(key, deadline) : ops.get(key);
            if (it != null) {
                writeValue(it, withCas);
            }
        }
        send("END");
    }

    /** {@code VALUE <key> <flags> <bytes> [<cas>]\r\n<data>\r\n}. */
    private void writeValue(Item it, boolean withCas) throws IOException {
        byte[] s = c.scratch;
        byte[] k = it.key.bytes();
        s[0] = 'V';
        s[1] = 'A';
        s[2] = 'L';
        s[3] = 'U';
        s[4] = 'E';
        s[5] = ' ';
        System.arraycopy(k, 0, s, 6, k.length);
        int p = 6 + k.length;
        s[p++] = ' ';
        p = Numbers.putDecimal(s, p, it.flags & 0xFFFF_FFFFL);
        s[p++] = ' ';
        p = Numbers.putDecimal(s, p, it.value.length);
        if (withCas) {
            s[p++] = ' ';
            p = Numbers.putUnsigned(s, p, it.cas);
        }
        s[p++] = '\r';
        s[p++] = '\n';
        c.write(s, 0, p);
        c.write(it.value);
        c.crlf();
    }

    /** {@code <cmd> <key> <flags> <exptime> <bytes> [<cas>] [noreply]}, then the data block. */
    private void storage(int n, Mode mode, boolean withCas) throws IOException {
        int fixed = withCas ? 6 : 5;
        if (n != fixed && n != fixed + 1) {
            send("ERROR");
            return;
        }
        noreply = t.noreply();
        long flags = t.uint32(2);
        long exptime = t.int32(3);
        long length = t.int32(4);
        long cas = 0;
        boolean ok = t.length(1) <= Key.MAX_LENGTH && flags != Numbers.INVALID && exptime != Numbers.INVALID
                && length != Numbers.INVALID;
        if (ok && withCas) {
            cas = t.uint64(5, valid);
            ok = valid[0];
        }
        if (!ok || length < 0 || length > Integer.MAX_VALUE - 2) {
            send(BAD_FORMAT); // the data block that follows is read as commands, as memcached does
            return;
        }
        Key key = t.key(1);
        String tooBig = ops.sizeError(key.length(), length);
        if (tooBig != null) {
            send(tooBig);
            c.swallow(length + 2);
            if (mode == Mode.SET) {
                ops.dropStale(key);
            }
            return;
        }
        byte[] value = new byte[(int) length];
        if (!c.readBlock(value)) {
            send("CLIENT_ERROR bad data chunk");
            return;
        }
        long deadline = ops.store().deadline(exptime, System.currentTimeMillis());
        // cas 0 matches nothing in memcached: no item ever has unique 0
        Stored r = ops.store(mode, key, value, (int) flags, deadline, withCas ? (cas == 0 ? -1 : cas) : 0);
        send(r.outcome().name());
    }

    /** {@code delete <key> [0] [noreply]} (the 0 is a relic memcached still accepts). */
    private void delete(int n) throws IOException {
        if (n < 2 || n > 4) {
            send("ERROR");
            return;
        }
        if (n > 2) {
            boolean holdIsZero = t.is(2, "0");
            boolean quiet = t.noreply();
            if (!((n == 3 && (holdIsZero || quiet)) || (n == 4 && holdIsZero && quiet))) {
                send(BAD_FORMAT + ".  Usage: delete <key> [noreply]");
                return;
            }
            noreply = quiet;
        }
        if (t.length(1) > Key.MAX_LENGTH) {
            send(BAD_FORMAT);
            return;
        }
        send(ops.delete(t.key(1)) ? "DELETED" : "NOT_FOUND");
    }

    /** {@code incr|decr <key> <delta> [noreply]}: 64-bit unsigned. */
    private void incrDecr(int n, boolean incr) throws IOException {
        if (n != 3 && n != 4) {
            send("ERROR");
            return;
        }
        noreply = t.noreply();
        if (t.length(1) > Key.MAX_LENGTH) {
            send(BAD_FORMAT);
            return;
        }
        long delta = t.uint64(2, valid);
        if (!valid[0]) {
            send("CLIENT_ERROR invalid numeric delta argument");
            return;
        }
        Counter r = ops.incrDecr(t.key(1), incr, delta);
        if (!r.found()) {
            send("NOT_FOUND");
        } else if (!r.numeric()) {
            send("CLIENT_ERROR cannot increment or decrement non-numeric value");
        } else {
            send(Long.toUnsignedString(r.value()));
        }
    }

    /** {@code touch <key> <exptime> [noreply]}. */
    private void touch(int n) throws IOException {
        if (n != 3 && n != 4) {
            send("ERROR");
            return;
        }
        noreply = t.noreply();
        if (t.length(1) > Key.MAX_LENGTH) {
            send(BAD_FORMAT);
            return;
        }
        long exptime = t.int32(2);
        if (exptime == Numbers.INVALID) {
            send(BAD_EXPTIME);
            return;
        }
        long deadline = ops.store().deadline(exptime, System.currentTimeMillis());
        send(ops.touch(t.key(1), deadline) ? "TOUCHED" : "NOT_FOUND");
    }

    /** {@code flush_all [delay] [noreply]}. */
    private void flushAll(int n) throws IOException {
        if (n > 3) {
            send("ERROR");
            return;
        }
        noreply = t.noreply();
        long delay = 0;
        if (n == 3 || (n == 2 && !noreply)) {
            delay = t.int32(1);
            if (delay == Numbers.INVALID) {
                send(BAD_EXPTIME);
                return;
            }
        }
        ops.flushAll(delay);
        send("OK");
    }

    /** {@code verbosity <level> [noreply]}. */
    private void verbosity(int n) throws IOException {
        if (n != 2 && n != 3) {
            send("ERROR");
            return;
        }
        noreply = t.noreply();
        long level = t.uint32(1);
        if (level == Numbers.INVALID) {
            send(BAD_FORMAT);
            return;
        }
        c.server.stats.verbosity = (int) Math.min(level, Integer.MAX_VALUE);
        send("OK");
    }
}
