package io.livejury.semantic;

import io.livejury.config.Settings;
import io.livejury.metrics.Metrics;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The semantic stage with the real sentence model and the shipped sheets: the sentences judged here are not on
 * any sheet, so a right answer means the model generalised from the examples, not that it looked a line up.
 */
class SemanticStageTest {

  private static Vertx vertx;
  private static ModelStage shipped;
  private static Metrics shippedMetrics;

  @BeforeAll
  static void loadShipped() {
    vertx = Vertx.vertx();
    shippedMetrics = new Metrics();
    shipped = new ModelStage(vertx, settings(Map.of()), shippedMetrics);
    shipped.start().await();
    assertThat(shipped.ready()).as("model and shipped sheets loaded").isTrue();
  }

  @AfterAll
  static void close() {
    shipped.stop().await();
    vertx.close().await();
  }

  private static SemanticSettings settings(Map<String, String> overrides) {
    return Settings.load(overrides).semantic();
  }

  private static SemanticVerdict judge(ModelStage stage, String text) {
    return stage.judge(SheetText.normalise(text)).await();
  }

  @Test
  void paraphrasesNotOnTheSheetsFindTheirCategory() {
    Map<String, String> expected = Map.of(
        "家人们这款桑葚茶喝上两个月，糖尿病都不用打针了", "medical_claim",
        "我跟你们说这个是全世界最厉害的吹风机，谁都比不上", "extreme_words",
        "原来卖一千五的，今天直播间给你们一百二十九", "price_fraud",
        "库存真的只剩最后两件了，再不下单就没了", "fake_scarcity",
        "私聊我，加个微信我给你们走个私人渠道", "off_platform",
        "this supplement will cure your high blood pressure", "medical_claim");
    expected.forEach((text, category) -> {
      SemanticVerdict verdict = judge(shipped, text);
      assertThat(verdict.category()).as("category of: %s (%s)", text, verdict).isEqualTo(category);
      assertThat(verdict.degraded()).isFalse();
      assertThat(verdict.allowed()).isFalse();
      assertThat(verdict.nearestExample()).as("evidence").isNotBlank();
      assertThat(verdict.similarity()).isBetween(0.0, 1.0001);
    });
  }

  @Test
  void aDisclaimerIsAllowed() {
    for (String text : List.of("温馨提示：保健食品不是药品，不能用来治病", "本产品不能替代药物治疗，有病请去医院")) {
      SemanticVerdict verdict = judge(shipped, text);
      assertThat(verdict.allowed()).as("allowed: %s (%s)", text, verdict).isTrue();
      assertThat(verdict.category()).isNull();
      assertThat(verdict.allowedExample()).isNotBlank();
      assertThat(verdict.degraded()).isFalse();
    }
  }

  @Test
  void blankAndHostileInputAnswerWithoutFailing() {
    assertThat(judge(shipped, "   ")).isEqualTo(new SemanticVerdict(null, 0, null, false, null, false));
    String emojiAndControls = "🔥🔥🔥\u0000\u0007买它买它";
    assertThat(judge(shipped, emojiAndControls).degraded()).isFalse();
    String thousand = "这个茶叶真的很好喝".repeat(112); // about 1,000 characters: embedded in parts
    assertThat(judge(shipped, thousand).degraded()).isFalse();
  }

  @Test
  void everyShippedCategoryIsInForceWithItsLeaveOneOutReport() {
    assertThat(shipped.sheetProblems()).as("shipped sheets are clean").isEmpty();
    assertThat(shipped.reports()).extracting(SheetReport::category).containsExactly("allowed", "extreme_words",
        "fake_scarcity", "medical_claim", "off_platform", "ordinary", "price_fraud");
    double target = settings(Map.of()).decision().precision();
    for (SheetReport report : shipped.reports()) {
      assertThat(report.examples()).as(report.toString()).isGreaterThanOrEqualTo(20);
      assertThat(report.threshold()).as(report.toString()).isBetween(0.0, 1.0);
      // The threshold is the lowest cut that is still this precise, so recall is what is left over: every sheet
      // must still recognise a good part of its own examples.
      assertThat(report.precision()).as(report.toString()).isGreaterThanOrEqualTo(target);
      assertThat(report.recall()).as(report.toString()).isGreaterThan(0.3);
    }
  }

  @Test
  void aFullQueueDegradesAtOnceAndIsCounted() {
    Metrics metrics = new Metrics();
    ModelStage narrow = new ModelStage(vertx, settings(Map.of("LIVEJURY_MODEL_WORKERS", "1",
        "LIVEJURY_MODEL_MAX_IN_FLIGHT", "2", "LIVEJURY_MODEL_MAX_IN_FLIGHT_PER_ROOM", "2",
        "LIVEJURY_DETECT_MAX_CLAUSES", "2", "LIVEJURY_MODEL_CACHE_ENTRIES", "0")), metrics);
    narrow.start().await();
    try {
      List<Future<SemanticVerdict>> calls = new ArrayList<>();
      for (int i = 0; i < 40; i++) {
        calls.add(narrow.judge("这款茶叶第" + i + "批到货，口感很醇厚，回甘也很明显，大家可以试试"));
      }
      List<SemanticVerdict> verdicts = calls.stream().map(call -> call.await()).toList();
      long degraded = verdicts.stream().filter(SemanticVerdict::degraded).count();
      assertThat(degraded).as("calls past the in-flight cap").isGreaterThan(0);
      assertThat(verdicts.stream().filter(SemanticVerdict::degraded)).as("not run because busy")
          .allMatch(SemanticVerdict::busy);
      assertThat(verdicts.stream().filter(v -> !v.degraded()).count()).as("calls within the cap").isGreaterThanOrEqualTo(2);
      assertThat(metrics.scrape())
          .contains("livejury_model_verdicts_total{outcome=\"queue_full\"} " + degraded + ".0")
          .contains("livejury_model_in_flight");
    } finally {
      narrow.stop().await();
    }
  }

  @Test
  void aDisabledModelAnswersNotRun() {
    ModelStage off = new ModelStage(vertx, settings(Map.of("LIVEJURY_MODEL_ENABLED", "false")), new Metrics(),
        () -> {
          throw new AssertionError("a disabled stage must not load the model");
        });
    off.start().await();
    assertThat(off.judge("最后3件了").await()).isEqualTo(SemanticVerdict.notRun());
  }

  @Test
  void sheetsReloadWhenAFileChangesAndABadFileKeepsThePreviousSheets(@TempDir Path folder) throws Exception {
    copyShippedSheets(folder);
    ModelStage live = new ModelStage(vertx, settings(Map.of("LIVEJURY_SHEETS_RELOAD_MS", "100"))
        .withSheets(folder), new Metrics());
    live.start().await();
    try {
      int before = examples(live, "fake_scarcity");
      append(folder.resolve("fake_scarcity.txt"), "下一秒就要断货了，这是今天最后的机会");
      waitUntil(() -> examples(live, "fake_scarcity") == before + 1, "the added example to be in force");

      List<SheetReport> inForce = live.reports();
      Files.write(folder.resolve("price_fraud.txt"), new byte[] {'o', 'k', '\n', (byte) 0xC3, (byte) 0x28, '\n'});
      append(folder.resolve("fake_scarcity.txt"), "就剩这一点了");
      Thread.sleep(800); // several reload intervals: the broken folder has been read and refused by now
      assertThat(live.reports()).as("previous sheets kept").isEqualTo(inForce);
      assertThat(judge(live, "库存真的只剩最后两件了，再不下单就没了").category()).isEqualTo("fake_scarcity");

      Files.writeString(folder.resolve("price_fraud.txt"),
          Files.readString(Path.of("src/main/resources/detect/sheets/price_fraud.txt")));
      waitUntil(() -> examples(live, "fake_scarcity") == before + 2, "the folder to load again once it parses");
    } finally {
      live.stop().await();
    }
  }

  @Test
  void aSheetWithTooFewExamplesIsRefusedAndDuplicatesAndContradictionsAreNamed(@TempDir Path folder) throws Exception {
    copyShippedSheets(folder);
    Files.writeString(folder.resolve("price_fraud.txt"), "原价999现在99\n出厂价给大家\n全网最低\n亏本卖\n五折清仓\n");
    append(folder.resolve("off_platform.txt"), "加我微信私聊");
    append(folder.resolve("off_platform.txt"), "加我微信私聊");
    append(folder.resolve("allowed.txt"), "私下交易包邮，平台上贵");
    ModelStage stage = new ModelStage(vertx, settings(Map.of()).withSheets(folder), new Metrics());
    stage.start().await();
    try {
      assertThat(stage.reports()).extracting(SheetReport::category).doesNotContain("price_fraud")
          .contains("off_platform", "allowed");
      assertThat(stage.sheetProblems()).anySatisfy(problem -> assertThat(problem)
          .contains("price_fraud.txt refused").contains("5 examples").contains("at least 8"));
      assertThat(stage.sheetProblems()).anySatisfy(problem -> assertThat(problem)
          .startsWith("Duplicate example in off_platform.txt").contains("加我微信私聊"));
      assertThat(stage.sheetProblems()).anySatisfy(problem -> assertThat(problem)
          .startsWith("Contradictory example").contains(SheetText.normalise("私下交易包邮，平台上贵"))
          .contains("allowed.txt:").contains("off_platform.txt:"));
      assertThat(judge(stage, "原来卖一千五的，今天直播间给你们一百二十九").category()).isNotEqualTo("price_fraud");
    } finally {
      stage.stop().await();
    }
  }

  private static int examples(ModelStage stage, String category) {
    return stage.reports().stream().filter(r -> r.category().equals(category)).mapToInt(SheetReport::examples)
        .findFirst().orElse(-1);
  }

  private static void copyShippedSheets(Path folder) throws IOException {
    try (var files = Files.list(Path.of("src/main/resources/detect/sheets"))) {
      for (Path file : files.toList()) {
        Files.copy(file, folder.resolve(file.getFileName()));
      }
    }
  }

  private static void append(Path file, String line) throws IOException {
    Files.writeString(file, Files.readString(file, StandardCharsets.UTF_8) + line + "\n", StandardCharsets.UTF_8);
  }

  private static void waitUntil(BooleanSupplier condition, String what) throws InterruptedException {
    long deadline = System.currentTimeMillis() + 15_000;
    while (!condition.getAsBoolean()) {
      assertThat(System.currentTimeMillis()).as("waited for " + what).isLessThan(deadline);
      Thread.sleep(50);
    }
  }
}
