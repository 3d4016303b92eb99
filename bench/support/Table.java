package support;

import static support.BenchSupport.fmt;
import static support.BenchSupport.max;
import static support.BenchSupport.median;
import static support.BenchSupport.min;
import static support.BenchSupport.percentile;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A plain text table: figure, n, min, median, the given percentiles, max, unit, target, verdict.
 * Numbers are right-aligned, the figure and the columns from unit on left-aligned.
 */
public final class Table {
    final String[] head;
    final double[] percentiles;
    final List<String[]> rows = new ArrayList<>();

    /**
     * @param medianHead  the heading of the median column ("median", "p50")
     * @param percentiles the nearest-rank percentiles between median and max, e.g. 95 or 90, 99
     */
    public Table(String medianHead, double... percentiles) {
        this.percentiles = percentiles.clone();
        List<String> h = new ArrayList<>(List.of("figure", "n", "min", medianHead));
        for (double p : percentiles) {
            h.add("p" + fmt(p));
        }
        h.addAll(List.of("max", "unit", "target", "result"));
        this.head = h.toArray(String[]::new);
    }

    public void section(String title) {
        rows.add(new String[] {title});
    }

    public void row(String name, List<Double> v, String unit, String target, String verdict) {
        boolean many = v.size() >= 2;
        String[] r = new String[head.length];
        int k = 0;
        r[k++] = name;
        r[k++] = Integer.toString(v.size());
        r[k++] = fmt(min(v));
        r[k++] = fmt(median(v));
        for (double p : percentiles) {
            r[k++] = many ? fmt(percentile(v, p)) : "-";
        }
        r[k++] = fmt(max(v));
        r[k++] = unit;
        r[k++] = target;
        r[k] = verdict;
        rows.add(r);
    }

    public void count(String name, long value, String target, String verdict) {
        text(name, Long.toString(value), target, verdict);
    }

    /** A row with one figure in the median column and no statistics. */
    public void text(String name, String value, String target, String verdict) {
        String[] r = new String[head.length];
        Arrays.fill(r, "");
        r[0] = name;
        r[3] = value;
        r[head.length - 2] = target;
        r[head.length - 1] = verdict;
        rows.add(r);
    }

    /** A row with one figure in the median column and its unit, no statistics. */
    public void text(String name, String value, String unit) {
        text(name, value, "", "");
        rows.get(rows.size() - 1)[head.length - 3] = unit;
    }

    /** A second figure for the last count row, in its figure column ("a / b"). */
    public void lastCountExtra(String value) {
        String[] r = rows.get(rows.size() - 1);
        r[3] = r[3] + " / " + value;
    }

    public void print(PrintStream out) {
        int[] w = new int[head.length];
        for (int k = 0; k < head.length; k++) {
            w[k] = head[k].length();
        }
        for (String[] r : rows) {
            if (r.length > 1) {
                for (int k = 0; k < r.length; k++) {
                    w[k] = Math.max(w[k], r[k].length());
                }
            }
        }
        int total = Arrays.stream(w).sum() + 2 * (w.length - 1);
        out.println(line(head, w));
        out.println("-".repeat(total));
        for (String[] r : rows) {
            if (r.length == 1) {
                out.println(r[0]);
            } else {
                out.println(line(r, w));
            }
        }
    }

    String line(String[] cells, int[] w) {
        int firstLeft = head.length - 3; // unit, target, result
        StringBuilder b = new StringBuilder();
        for (int k = 0; k < cells.length; k++) {
            boolean left = k == 0 || k >= firstLeft;
            String c = cells[k];
            String pad = " ".repeat(w[k] - c.length());
            b.append(left ? c + pad : pad + c);
            if (k < cells.length - 1) {
                b.append("  ");
            }
        }
        return b.toString().stripTrailing();
    }
}
