package io.livejury.loadgen;

import io.livejury.detect.Detector;
import io.livejury.detect.Lexicon;
import io.livejury.detect.Normaliser;
import io.vertx.core.json.JsonObject;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Random;

/**
 * How many transcript segments per second one core reads with the shipped lexicon: normalised
 * ({@link Normaliser}: traditional → simplified, widths, case, separators, numerals, evasion spellings) and
 * scanned, as the transcript endpoint does, and each step on its own (the scan alone reads the segment as
 * posted). Segments are built from realistic livestream sentences (about one in four trips a rule, a few
 * written in traditional characters, spaced out or with Chinese numerals), a few warm-up seconds first so the
 * JIT has compiled the code, then the three measurements in turns of half a second each, on one thread, timed
 * by that thread's CPU time: per second of one core, and fair to all three when other processes share the
 * machine (each turn sees the same background).
 *
 * <p>Usage: {@code DetectorBench [seconds] [resultFile]}
 */
public final class DetectorBench {

  private static final List<String> SENTENCES = List.of(
      "家人们看过来，这款云南普洱口感醇厚，回甘很明显",
      "我们家这款茶能治疗糖尿病，喝一个月降血糖",
      "今天直播间福利价，拍一发二，包邮到家",
      "这个面膜是全网最好的，国家级工艺",
      "原价299，今天只要59，全网最低价",
      "最后3件了，手慢无，库存告急",
      "想要更便宜的加我微信私下交易",
      "这是我第一次来直播间，大家多多关照",
      "泡的时候水温八十度左右，第一泡洗茶",
      "This tea tastes great with a little honey",
      "Only 3 left, grab it now before it sells out",
      "主播身上这件外套是纯羊毛的，手感很软",
      "有问题的宝宝可以在评论区留言，我一个个回复",
      "這款茶葉是今年的新茶，香氣很足",
      "原价三百九十九，今天只要五十九",
      "想要的V我，加 微 信 详聊");

  private interface Step {
    int apply(String segment);
  }

  public static void main(String[] args) throws Exception {
    int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 10;
    Path resultFile = args.length > 1 ? Path.of(args[1]) : null;
    long loadStart = System.nanoTime();
    Normaliser normaliser = Normaliser.standard();
    long loadNanos = System.nanoTime() - loadStart;
    Detector detector = new Detector(Lexicon.fromResource(), normaliser);
    String[] segments = segments(10_000);

    Step pipeline = segment -> detector.scan(normaliser.normalise(segment)).size();
    Step lexicon = segment -> detector.scan(segment).size();
    Step normalise = segment -> normaliser.normalise(segment).length() > 0 ? 0 : 1;
    run(pipeline, segments, 3_000);
    run(lexicon, segments, 2_000);
    run(normalise, segments, 2_000);
    long[] measured = new long[4];
    long[] scanOnly = new long[4];
    long[] normaliseOnly = new long[4];
    for (int turn = 0; turn < seconds * 2; turn++) {
      add(measured, run(pipeline, segments, 500));
      add(scanOnly, run(lexicon, segments, 500));
      add(normaliseOnly, run(normalise, segments, 500));
    }
    double perSecond = measured[0] / (measured[2] / 1e9);
    double charsPerSecond = measured[1] / (measured[2] / 1e9);
    JsonObject result = new JsonObject()
        .put("date", Instant.now().toString())
        .put("machine", Runtime.getRuntime().availableProcessors() + " cores, one thread scanning, per CPU-second")
        .put("cpu", Machine.cpu()).put("loadAverage", Machine.loadAverage())
        .put("rules", detector.rules().size())
        .put("patterns", detector.rules().stream().mapToInt(r -> r.terms().size() + r.requires().size() + r.except().size()).sum())
        .put("segments", measured[0])
        .put("segmentsPerSecond", Math.round(perSecond))
        .put("charsPerSecond", Math.round(charsPerSecond))
        .put("hitsPerSegment", Math.round(1000.0 * measured[3] / measured[0]) / 1000.0)
        .put("scanOnlySegmentsPerSecond", Math.round(scanOnly[0] / (scanOnly[2] / 1e9)))
        .put("normaliseOnlySegmentsPerSecond", Math.round(normaliseOnly[0] / (normaliseOnly[2] / 1e9)))
        .put("normaliserLoadMs", Math.round(loadNanos / 1e6));
    System.out.println(result.encodePrettily());
    if (resultFile != null) {
      Files.createDirectories(resultFile.toAbsolutePath().getParent());
      Files.writeString(resultFile, result.encodePrettily());
    }
  }

  private static void add(long[] total, long[] turn) {
    for (int i = 0; i < total.length; i++) {
      total[i] += turn[i];
    }
  }

  /** Returns {segments, chars, CPU nanos of this thread, hits}. */
  private static long[] run(Step step, String[] segments, int millis) {
    java.lang.management.ThreadMXBean cpu = java.lang.management.ManagementFactory.getThreadMXBean();
    long segmentsScanned = 0;
    long chars = 0;
    long hits = 0;
    long cpuStart = cpu.getCurrentThreadCpuTime();
    long end = System.nanoTime() + millis * 1_000_000L;
    int i = 0;
    while (System.nanoTime() < end) {
      for (int batch = 0; batch < 200; batch++) {
        String segment = segments[i++ % segments.length];
        hits += step.apply(segment);
        chars += segment.length();
        segmentsScanned++;
      }
    }
    return new long[] {segmentsScanned, chars, cpu.getCurrentThreadCpuTime() - cpuStart, hits};
  }

  /** Segments of one to three sentences, as a speech-to-text feed cuts them. */
  private static String[] segments(int count) {
    Random random = new Random(42);
    String[] segments = new String[count];
    for (int i = 0; i < count; i++) {
      StringBuilder segment = new StringBuilder();
      int sentences = 1 + random.nextInt(3);
      for (int s = 0; s < sentences; s++) {
        segment.append(SENTENCES.get(random.nextInt(SENTENCES.size()))).append(s + 1 < sentences ? "，" : "。");
      }
      segments[i] = segment.toString();
    }
    return segments;
  }
}
