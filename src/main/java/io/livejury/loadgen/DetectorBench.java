package io.livejury.loadgen;

import io.livejury.detect.Detector;
import io.livejury.detect.Lexicon;
import io.vertx.core.json.JsonObject;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Random;

/**
 * How many transcript segments per second one core scans with the shipped lexicon. Segments are built from
 * realistic livestream sentences (about one in four trips a rule), a few warm-up seconds first so the JIT
 * has compiled the scan, then a timed run on one thread.
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
      "有问题的宝宝可以在评论区留言，我一个个回复");

  public static void main(String[] args) throws Exception {
    int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 10;
    Path resultFile = args.length > 1 ? Path.of(args[1]) : null;
    Detector detector = new Detector(Lexicon.fromResource());
    String[] segments = segments(10_000);

    run(detector, segments, 3);
    long[] measured = run(detector, segments, seconds);
    double perSecond = measured[0] / (measured[2] / 1e9);
    double charsPerSecond = measured[1] / (measured[2] / 1e9);
    JsonObject result = new JsonObject()
        .put("date", Instant.now().toString())
        .put("machine", Runtime.getRuntime().availableProcessors() + " cores, one thread scanning")
        .put("rules", detector.rules().size())
        .put("patterns", detector.rules().stream().mapToInt(r -> r.terms().size() + r.requires().size() + r.except().size()).sum())
        .put("segments", measured[0])
        .put("segmentsPerSecond", Math.round(perSecond))
        .put("charsPerSecond", Math.round(charsPerSecond))
        .put("hitsPerSegment", Math.round(1000.0 * measured[3] / measured[0]) / 1000.0);
    System.out.println(result.encodePrettily());
    if (resultFile != null) {
      Files.createDirectories(resultFile.toAbsolutePath().getParent());
      Files.writeString(resultFile, result.encodePrettily());
    }
  }

  /** Returns {segments, chars, nanos, hits}. */
  private static long[] run(Detector detector, String[] segments, int seconds) {
    long segmentsScanned = 0;
    long chars = 0;
    long hits = 0;
    long start = System.nanoTime();
    long end = start + seconds * 1_000_000_000L;
    int i = 0;
    while (System.nanoTime() < end) {
      for (int batch = 0; batch < 1000; batch++) {
        String segment = segments[i++ % segments.length];
        hits += detector.scan(segment).size();
        chars += segment.length();
        segmentsScanned++;
      }
    }
    return new long[] {segmentsScanned, chars, System.nanoTime() - start, hits};
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
