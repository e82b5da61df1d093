package org.fibers.examples.memcached;

import java.util.Locale;

/**
 * How {@link MemcachedServer} runs: address, memory limit ({@code -m}, MiB), item size limit
 * ({@code -I}), connection limit ({@code -c}) and the number of peer schedulers.
 *
 * @param host        address to listen on
 * @param port        TCP port, 0 for an ephemeral one
 * @param maxBytes    memory limit for stored items, in bytes
 * @param itemMax     largest item (key, value and header), in bytes
 * @param maxConns    most client connections open at once
 * @param parallelism peer schedulers (carrier threads)
 * @param ownerFibers  the store's alternative design: an owner fiber per stripe reached over
 *                     channels ({@code --store owners}) instead of a lock per stripe ({@code --store locks}, the default)
 */
public record ServerOptions(String host, int port, long maxBytes, int itemMax, int maxConns, int parallelism, boolean ownerFibers) {
    /**
     * memcached's defaults: port 11211, -m 64, -I 1m, -c 1024; one scheduler per core.
     *
     * @return the defaults, listening on 127.0.0.1
     */
    public static ServerOptions defaults() {
        return new ServerOptions("127.0.0.1", 11211, 64L << 20, 1 << 20, 1024,
                Runtime.getRuntime().availableProcessors(), false);
    }

    /** Validates the limits. */
    public ServerOptions {
        if (maxBytes < 1 << 20) {
            throw new IllegalArgumentException("-m must be at least 1 (MiB)");
        }
        if (itemMax < 1024 || itemMax > 1 << 30) {
            throw new IllegalArgumentException("-I must be between 1k and 1g: " + itemMax);
        }
        if (itemMax > maxBytes) {
            throw new IllegalArgumentException("-I (" + itemMax + ") cannot exceed -m (" + maxBytes + ")");
        }
        if (maxConns < 1) {
            throw new IllegalArgumentException("-c must be positive: " + maxConns);
        }
        if (parallelism < 1) {
            throw new IllegalArgumentException("--parallelism must be positive: " + parallelism);
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("bad port: " + port);
        }
    }

    /**
     * This with another port.
     *
     * @param p the port, 0 for a free one
     * @return a copy with that port
     */
    public ServerOptions withPort(int p) {
        return new ServerOptions(host, p, maxBytes, itemMax, maxConns, parallelism, ownerFibers);
    }

    /** The usage line. */
    public static final String USAGE = "usage: memcached-server [--port 11211] [--listen 127.0.0.1] [-m MiB] [-I SIZE] "
            + "[-c CONNS] [--parallelism N] [--store locks|owners]   (also memcached's -p, -l, -t)";

    /**
     * Parses the command line; {@link IllegalArgumentException} says what is wrong.
     *
     * @param args the arguments of {@link #USAGE}
     * @return the options; the defaults for what is not given
     * @throws IllegalArgumentException if an argument is unknown or a value out of range
     */
    public static ServerOptions parse(String... args) {
        ServerOptions d = defaults();
        String host = d.host;
        int port = d.port;
        long maxBytes = d.maxBytes;
        int itemMax = d.itemMax;
        int maxConns = d.maxConns;
        int parallelism = d.parallelism;
        boolean owners = false;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "--port", "-p" -> port = integer(a, value(args, ++i, a));
                case "--listen", "-l" -> host = value(args, ++i, a);
                case "-m", "--memory-limit" -> maxBytes = (long) integer(a, value(args, ++i, a)) << 20;
                case "-I", "--max-item-size" -> itemMax = size(a, value(args, ++i, a));
                case "-c", "--conn-limit" -> maxConns = integer(a, value(args, ++i, a));
                case "--parallelism", "-t", "--threads" -> parallelism = integer(a, value(args, ++i, a));
                case "--store" -> owners = switch (value(args, ++i, a)) {
                    case "locks" -> false;
                    case "owners" -> true;
                    default -> throw new IllegalArgumentException("--store is locks or owners: " + args[i]);
                };
                default -> throw new IllegalArgumentException("unknown option " + a);
            }
        }
        return new ServerOptions(host, port, maxBytes, itemMax, maxConns, parallelism, owners);
    }

    private static String value(String[] args, int i, String option) {
        if (i >= args.length) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return args[i];
    }

    private static int integer(String option, String v) {
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + " needs a number: " + v);
        }
    }

    /** memcached's -I syntax: bytes, or a number with k or m (or g). */
    static int size(String option, String v) {
        String s = v.toLowerCase(Locale.ROOT);
        long unit = 1;
        if (s.endsWith("k")) {
            unit = 1 << 10;
        } else if (s.endsWith("m")) {
            unit = 1 << 20;
        } else if (s.endsWith("g")) {
            unit = 1 << 30;
        }
        String digits = unit == 1 ? s : s.substring(0, s.length() - 1);
        long n = integer(option, digits) * unit;
        if (n > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(option + " too large: " + v);
        }
        return (int) n;
    }
}
