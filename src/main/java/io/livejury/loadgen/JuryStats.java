package io.livejury.loadgen;

import java.io.IOException;
import java.io.Reader;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Properties;

/**
 * What a jury of n gives under the verdict rule, for docs/juries.md: the Wilson interval's half-width
 * by jury size and condemning share, the smallest jury that condemns a given true share, and how much the
 * size of a drawn jury varies. The rule's numbers are read from the defaults file the node ships with
 * ({@code LIVEJURY_VERDICT_Z}, {@code _QUORUM}, {@code _CONDEMN_LOWER}, {@code _CLEAR_UPPER}), so the tables
 * follow a change of the defaults. Prints Markdown.
 *
 * <p>Uses nothing but the JDK, so it runs from source without a build: {@code scripts/jury-stats}, or {@code
 * java src/main/java/io/livejury/loadgen/JuryStats.java [defaults file]}.
 */
public final class JuryStats {

  private static final int[] SIZES = {50, 100, 200, 500, 1_000, 2_000, 5_000, 10_000};
  private static final double[] SHARES = {0.5, 0.6, 0.7, 0.8, 0.9};
  private static final long[] AUDIENCES = {300, 500_000};
  private static final int[] JURY_SIZES = {60, 3_000};
  private static final int SEARCH_LIMIT = 10_000_000;

  private final double z;
  private final int quorum;
  private final double condemnLower;
  private final double clearUpper;

  JuryStats(double z, int quorum, double condemnLower, double clearUpper) {
    this.z = z;
    this.quorum = quorum;
    this.condemnLower = condemnLower;
    this.clearUpper = clearUpper;
  }

  public static void main(String[] args) throws IOException {
    Path file = Path.of(args.length > 0 ? args[0] : "src/main/resources/livejury-defaults.properties");
    Properties p = new Properties();
    try (Reader in = Files.newBufferedReader(file)) {
      p.load(in);
    }
    JuryStats stats = new JuryStats(Double.parseDouble(p.getProperty("LIVEJURY_VERDICT_Z").trim()),
        Integer.parseInt(p.getProperty("LIVEJURY_VERDICT_QUORUM").trim()),
        Double.parseDouble(p.getProperty("LIVEJURY_VERDICT_CONDEMN_LOWER").trim()),
        Double.parseDouble(p.getProperty("LIVEJURY_VERDICT_CLEAR_UPPER").trim()));
    System.out.print(stats.report(file));
  }

  private String report(Path file) {
    StringBuilder md = new StringBuilder();
    md.append(String.format(Locale.ROOT, "Verdict rule from `%s`: z = %s, quorum %d decisive ballots, condemned when "
            + "the Wilson lower bound of the condemning share is at least %s, cleared when the upper bound is at most "
            + "%s.%n%n", file, trim(z), quorum, trim(condemnLower), trim(clearUpper)));

    md.append("### Confidence width by jury size\n\n");
    md.append("Half-width of the Wilson interval, in percentage points, for n decisive ballots of which a share p "
        + "condemns (the same for 1 − p):\n\n");
    md.append("| n |");
    for (double share : SHARES) {
      md.append(String.format(Locale.ROOT, " p = %.1f |", share));
    }
    md.append("\n| ---: |").append(" ---: |".repeat(SHARES.length)).append('\n');
    for (int n : SIZES) {
      md.append(String.format(Locale.ROOT, "| %,d |", n));
      for (double share : SHARES) {
        md.append(String.format(Locale.ROOT, " ±%.1f |", 100 * margin(share, n)));
      }
      md.append('\n');
    }

    md.append("\n### Smallest jury that decides\n\n");
    md.append(String.format(Locale.ROOT, "The smallest n at which a sample share of condemning ballots equal to the "
        + "true share p is condemned (Wilson lower bound ≥ %s, n ≥ %d), and, the other way round, at which a "
        + "condemning share of 1 − p is cleared (upper bound ≤ %s); the lower and upper bound at that n:%n%n",
        trim(condemnLower), quorum, trim(clearUpper)));
    md.append("| true share p | condemned from n = | interval there | share 1 − p cleared from n = |\n");
    md.append("| ---: | ---: | --- | ---: |\n");
    for (double share : SHARES) {
      int condemnAt = smallestCondemning(share);
      int clearAt = smallestClearing(1 - share);
      md.append(String.format(Locale.ROOT, "| %.1f | %s | %s | %s |%n", share,
          condemnAt < 0 ? "never" : String.format(Locale.ROOT, "%,d", condemnAt),
          condemnAt < 0 ? String.format(Locale.ROOT, "lower bound stays below p = %.1f", share)
              : String.format(Locale.ROOT, "%.3f – %.3f", lower(share, condemnAt), upper(share, condemnAt)),
          clearAt < 0 ? "never" : String.format(Locale.ROOT, "%,d", clearAt)));
    }
    md.append(String.format(Locale.ROOT, "%nA share at or below %s is never condemned, however large the jury: the "
        + "lower bound approaches the share from below. With ballots weighted by reputation, n is the effective "
        + "sample size (Σw)² / Σw² = n / (1 + CV²), CV the coefficient of variation of the weights: weights "
        + "spread with CV 0.5 count like 80 %% as many equal ballots.%n", trim(condemnLower)));

    md.append("\n### Size of a drawn jury\n\n");
    md.append("Each eligible viewer is drawn independently with rate r = size / audience (1 when the audience is no "
        + "larger than the size), so the jury's size is binomial(A, r): mean A·r, sd √(A·r·(1 − r)), and the "
        + "exact binomial 0.5 % and 99.5 % quantiles as its 99 % range. The last column is the Wilson half-width "
        + "at p = 0.5 for a jury at the low end of that range.\n\n");
    md.append("| audience A | jury size | rate r | mean | sd | 99 % range | half-width at the low end (p = 0.5) |\n");
    md.append("| ---: | ---: | ---: | ---: | ---: | --- | ---: |\n");
    for (long audience : AUDIENCES) {
      for (int size : JURY_SIZES) {
        double rate = audience <= size ? 1.0 : (double) size / audience;
        Binomial b = new Binomial(audience, rate);
        long low = b.quantile(0.005);
        long high = b.quantile(0.995);
        md.append(String.format(Locale.ROOT, "| %,d | %,d | %s | %,.1f | %.2f | %,d – %,d | ±%.1f pp |%n", audience,
            size, rate == 1.0 ? "1 (everyone)" : trim(rate), b.mean(), b.sd(), low, high, 100 * margin(0.5, low)));
      }
    }
    Binomial test = new Binomial(300, 60.0 / 300);
    md.append(String.format(Locale.ROOT, "%nA jury of 60 from 300 viewers falls outside 30–100 with probability "
        + "%.1e (P(X < 30) = %.1e, P(X > 100) = %.1e).%n", test.cdf(29) + (1 - test.cdf(100)), test.cdf(29),
        1 - test.cdf(100)));
    return md.toString();
  }

  /** Half-width of the Wilson interval, as the verdict rule computes it (VerdictRule). */
  double margin(double p, long n) {
    double z2 = z * z;
    return z * Math.sqrt(p * (1 - p) / n + z2 / (4.0 * n * n)) / (1 + z2 / n);
  }

  private double center(double p, long n) {
    double z2 = z * z;
    return (p + z2 / (2.0 * n)) / (1 + z2 / n);
  }

  double lower(double p, long n) {
    return center(p, n) - margin(p, n);
  }

  double upper(double p, long n) {
    return center(p, n) + margin(p, n);
  }

  /** Smallest n ≥ quorum with lower(p, n) ≥ condemnLower, or -1 if none up to the search limit. */
  int smallestCondemning(double p) {
    for (int n = Math.max(1, quorum); n <= SEARCH_LIMIT; n++) {
      if (lower(p, n) >= condemnLower) {
        return n;
      }
    }
    return -1;
  }

  /** Smallest n ≥ quorum with upper(p, n) ≤ clearUpper, or -1 if none up to the search limit. */
  int smallestClearing(double p) {
    for (int n = Math.max(1, quorum); n <= SEARCH_LIMIT; n++) {
      if (upper(p, n) <= clearUpper) {
        return n;
      }
    }
    return -1;
  }

  private static String trim(double value) {
    return new BigDecimal(Double.toString(value)).stripTrailingZeros().toPlainString();
  }

  /**
   * Binomial(n, r) with its probabilities summed exactly around the mode (each from its neighbour by the ratio
   * (n − k) / (k + 1) · r / (1 − r)), far enough out that what is left is below 1e-15.
   */
  record Binomial(long n, double r) {

    double mean() {
      return n * r;
    }

    double sd() {
      return Math.sqrt(n * r * (1 - r));
    }

    /** P(X ≤ k). */
    double cdf(long k) {
      if (r >= 1.0) {
        return k >= n ? 1.0 : 0.0;
      }
      double[] w = weights();
      long from = from();
      double below = 0;
      double total = 0;
      for (int i = 0; i < w.length; i++) {
        total += w[i];
        if (from + i <= k) {
          below += w[i];
        }
      }
      return below / total;
    }

    /** The smallest k with P(X ≤ k) ≥ q. */
    long quantile(double q) {
      if (r >= 1.0) {
        return n;
      }
      double[] w = weights();
      double total = 0;
      for (double x : w) {
        total += x;
      }
      double sum = 0;
      for (int i = 0; i < w.length; i++) {
        sum += w[i];
        if (sum / total >= q) {
          return from() + i;
        }
      }
      return from() + w.length - 1;
    }

    private long mode() {
      return Math.min(n, (long) Math.floor((n + 1) * r));
    }

    private long span() {
      return (long) Math.ceil(12 * sd()) + 20;
    }

    private long from() {
      return Math.max(0, mode() - span());
    }

    /** Probabilities of from() … to, relative to the mode's. */
    private double[] weights() {
      long mode = mode();
      long from = from();
      long to = Math.min(n, mode + span());
      double[] w = new double[(int) (to - from + 1)];
      double odds = r / (1 - r);
      w[(int) (mode - from)] = 1.0;
      for (long k = mode; k < to; k++) {
        w[(int) (k + 1 - from)] = w[(int) (k - from)] * (n - k) / (k + 1) * odds;
      }
      for (long k = mode; k > from; k--) {
        w[(int) (k - 1 - from)] = w[(int) (k - from)] * k / (n - k + 1) / odds;
      }
      return w;
    }
  }
}
