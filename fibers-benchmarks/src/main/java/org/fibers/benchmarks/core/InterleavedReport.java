package org.fibers.benchmarks.core;

import java.util.Arrays;
import java.util.List;
import org.fibers.benchmarks.report.Results;

/**
 * The table and target lines of {@link Interleaved}, and the same figures recorded in its
 * {@link Results}: each variant's nanoseconds per operation round by round, each variant's
 * per-round ratio to the floor, each fibers variant's to default virtual threads, and issue 2's
 * targets for the mode.
 */
final class InterleavedReport {
    private static final String METRIC = "ns_per_op";

    private InterleavedReport() {
    }

    /**
     * Prints the table and the targets, and records them.
     *
     * @param results   where the figures go
     * @param names     the variants: the floor first, default virtual threads last
     * @param ns        per variant, the nanoseconds per operation of each round
     * @param spawnJoin whether the operation is a spawn-and-join (else a hand-off round trip)
     */
    static void print(Results results, List<String> names, double[][] ns, boolean spawnJoin) {
        int floor = 0;
        int vt = names.size() - 1;
        String vtName = names.get(vt);
        System.out.printf("%-14s %8s %8s %8s %8s   %-36s %s%n", "variant", "min", "p25", "median", "p75",
                "ratio to floor (p25 / median / p75)", "x " + vtName + " (median)");
        for (int v = 0; v < names.size(); v++) {
            String name = names.get(v);
            double[] s = sorted(ns[v]);
            results.series(name, METRIC, "ns/op", Results.Better.LOWER, ns[v]);
            double[] toFloor = perRoundRatio(ns[v], ns[floor]);
            double[] toFloorSorted = sorted(toFloor);
            String toVt = "";
            if (v != floor) {
                results.ratio(name, names.get(floor), METRIC, toFloor);
            }
            if (name.startsWith("fibers")) {
                double[] r = perRoundRatio(ns[v], ns[vt]);
                results.ratio(name, vtName, METRIC, r);
                toVt = String.format("%.3f", Results.median(sorted(r)));
            }
            String quartiles = String.format("%.3f / %.3f / %.3f", q(toFloorSorted, 0.25),
                    Results.median(toFloorSorted), q(toFloorSorted, 0.75));
            System.out.printf("%-14s %8.1f %8.1f %8.1f %8.1f   %-36s %s%n", name, s[0], q(s, 0.25), Results.median(s),
                    q(s, 0.75), quartiles, toVt);
        }
        System.out.println("ratios are medians of per-round ratios (both sides of a ratio ran in the same round)");
        int ours = names.indexOf(Interleaved.OURS);
        if (spawnJoin) {
            target(results, "fibers_p1 <= 0.75 x " + vtName + " (issue 2; set for the default heap, collections timed)",
                    names, ns, ours, vt, 0.75);
        } else {
            target(results, "fibers_p1 <= 1.15 x floor (issue 2)", names, ns, ours, floor, 1.15);
            target(results, "fibers_p1 <= 1.00 x " + vtName + " (issue 2: faster than default virtual threads)",
                    names, ns, ours, vt, 1.0);
        }
    }

    /** Prints and records the upper bound {@code bound} on the median ratio of variant a to variant b. */
    private static void target(Results results, String text, List<String> names, double[][] ns, int a, int b,
                               double bound) {
        double measured = Results.median(sorted(perRoundRatio(ns[a], ns[b])));
        boolean met = results.target(text, names.get(a), names.get(b), METRIC, false, bound, measured);
        System.out.printf("target %s: %.3f  %s%n", text, measured, met ? "MET" : "MISSED");
    }

    private static double[] perRoundRatio(double[] a, double[] b) {
        double[] r = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            r[i] = a[i] / b[i];
        }
        return r;
    }

    private static double[] sorted(double[] values) {
        double[] s = values.clone();
        Arrays.sort(s);
        return s;
    }

    /** The p-quantile of sorted values (nearest rank). */
    private static double q(double[] sorted, double p) {
        return sorted[(int) Math.min(sorted.length - 1, Math.round(p * (sorted.length - 1)))];
    }
}
