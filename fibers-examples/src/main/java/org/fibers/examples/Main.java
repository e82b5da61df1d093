package org.fibers.examples;

import java.util.Arrays;

/**
 * One entry point for the bundled examples: {@code Main <example> [args...]}.
 * The README's commands run it through Maven with the JVM flags the runtime needs.
 */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 0) {
            usage();
            System.exit(2);
        }
        String[] rest = Arrays.copyOfRange(args, 1, args.length);
        switch (args[0]) {
            case "demo" -> FibersDemo.main(rest);
            default -> {
                System.err.println("unknown example: " + args[0]);
                usage();
                System.exit(2);
            }
        }
    }

    private static void usage() {
        System.err.println("""
                usage: Main <example> [args...]
                  demo [fibers] [parallelism]   spawn, sleep and join fibers across peer schedulers""");
    }
}
