package io.livejury.detect;

import io.livejury.config.Settings;
import io.livejury.metrics.Metrics;
import io.livejury.semantic.ModelStage;
import io.livejury.semantic.SemanticVerdict;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sentences detection must get right (resource {@code detect-eval/why.tsv}: what the keyword lexicon alone
 * missed and what it flagged wrongly), each run through the node's whole pipeline: the normaliser, the shipped
 * lexicon, the real sentence model on the shipped sheets (thresholds computed at load, as a node computes them)
 * and the combination policy. A violation must raise exactly one detection, in its category; a legal sentence
 * none at all.
 */
class DetectionExamplesTest {

  private static final Set<String> CATEGORIES =
      Set.of("medical_claim", "extreme_words", "price_fraud", "fake_scarcity", "off_platform");

  private static final Normaliser NORMALISER = Normaliser.standard();
  private static final Detector DETECTOR = new Detector(Lexicon.fromResource(), NORMALISER);
  private static final SegmentDetector SEGMENTS =
      new SegmentDetector(Clauses.standard(Settings.load(Map.of()).detectLimits().clauses()));
  private static Vertx vertx;
  private static ModelStage model;

  @BeforeAll
  static void loadTheModel() {
    vertx = Vertx.vertx();
    model = new ModelStage(vertx, Settings.load(Map.of()).semantic(), new Metrics());
    model.start().await();
    assertThat(model.ready()).as("the sentence model and the shipped sheets loaded").isTrue();
  }

  @AfterAll
  static void close() {
    model.stop().await();
    vertx.close().await();
  }

  /** One row of why.tsv. */
  record Example(int line, String label, String expected, String text) {

    @Override
    public String toString() {
      return text + " (" + (label.equals("legal") ? "legal" : expected) + ")";
    }
  }

  static List<Example> examples() throws IOException {
    List<Example> examples = new ArrayList<>();
    List<String> lines = resourceLines("/detect-eval/why.tsv");
    for (int n = 0; n < lines.size(); n++) {
      String line = lines.get(n);
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      String[] f = line.split("\t", -1);
      assertThat(f).as("why.tsv line %d: label, expected, text", n + 1).hasSize(3);
      examples.add(new Example(n + 1, f[0], f[1], f[2]));
    }
    return examples;
  }

  /** The pipeline on one segment, as TranscriptService runs it: clause by clause when it is long. */
  private static List<SegmentDetector.Found> found(String text) {
    List<SegmentDetector.Clause> clauses = SEGMENTS.clauses(text, NORMALISER, DETECTOR);
    for (SegmentDetector.Clause clause : clauses) {
      assertThat(model.judge(clause.normalised()).await().degraded()).as("the model judged: %s", clause).isFalse();
    }
    return SEGMENTS.detect(DETECTOR, model, "room-1", clauses, NORMALISER.normalise(text), Set.of()).await().found();
  }

  private static List<Combiner.Detection> detect(String text) {
    return found(text).stream().map(SegmentDetector.Found::detection).toList();
  }

  @Test
  void aClaimPaddedWithGreetingsIsJudgedByItsOwnClauseAndQuoted() {
    String padded = "家人们晚上好，欢迎来到直播间，第一次来直播间的宝宝点个关注，今天给大家带来很多福利，点点关注不迷路，"
        + "新来的宝宝们扣个1，这款茶能治疗糖尿病，喜欢的宝宝们赶紧下单，感谢大家的支持";
    String whole = NORMALISER.normalise(padded);
    SemanticVerdict asOne = model.judge(whole).await();
    // Judged as one text the greetings outvote the claim: the model does not back it (what clauses are for); the
    // unguarded critical hit stands on the lexicon alone.
    assertThat(Combiner.combine(DETECTOR.scan(whole), asOne, DETECTOR.rules()).detections())
        .extracting(Combiner.Detection::stage).containsExactly(Combiner.LEXICON);

    List<SegmentDetector.Found> found = found(padded);
    assertThat(found).extracting(f -> f.detection().category()).containsExactly("medical_claim");
    assertThat(found.get(0).detection().severity()).isEqualTo(Rule.CRITICAL);
    assertThat(found.get(0).detection().stage()).isEqualTo(Combiner.BOTH);
    assertThat(found.get(0).clause().text()).isEqualTo("这款茶能治疗糖尿病，");
  }

  @Test
  void anAllowedClauseSilencesOnlyItsOwnClausesHits() {
    // The disclaimer's 治疗 is silenced by its clause's allowed verdict; the claim after it is not.
    List<Combiner.Detection> both = detect("喝茶不能治病，身体不舒服要去医院治疗，不过我们家这款茶喝一个月就能治疗糖尿病，"
        + "家人们放心买");
    assertThat(both).extracting(Combiner.Detection::category).containsExactly("medical_claim");
    assertThat(detect("喝茶不能治病，身体不舒服要去医院治疗")).as("the disclaimer alone").isEmpty();
  }

  @Test
  void aDeniedEfficacyAndANumberedGreetingStayQuiet() {
    assertThat(detect("本茶不具有降血糖功效，请勿相信任何宣传")).isEmpty();
    assertThat(detect("第1段家人们好")).isEmpty();
  }

  @Test
  void lookAlikeAndPinyinSpellingsOfTreatAreMedicalClaims() {
    for (String text : List.of("这款茶能冶疗糖尿病", "这款茶能zhiliao糖尿病", "这款茶能zhi liao糖尿病", "这款茶能ZhiLiao糖尿病")) {
      assertThat(detect(text)).as(text).extracting(Combiner.Detection::category).containsExactly("medical_claim");
    }
    assertThat(detect("这把刀是老冶炼厂的钢打的，切菜很顺手")).isEmpty();
  }

  @Test
  void otherSpellingsOfCureAndWeChatAreHeard() {
    for (String text : List.of("这款茶能医治糖尿病", "这款茶能醫治糖尿病", "这款茶能治好糖尿病", "这款茶治得好糖尿病",
        "这款茶专治糖尿病", "喝了这款茶就可以停药了", "这款茶能杀死癌细胞", "这款茶能zhiyu糖尿病", "这款茶能zhi yu糖尿病",
        "这款茶能治疗tnb", "这款茶治好了我的失眠", "这款茶能\u202e疗治\u202c糖尿病")) {
      assertThat(detect(text)).as(text).extracting(Combiner.Detection::category).containsExactly("medical_claim");
    }
    for (String text : List.of("想要便宜的加薇", "想要的话绿色软件上聊")) {
      assertThat(detect(text)).as(text).extracting(Combiner.Detection::category).containsExactly("off_platform");
    }
    assertThat(NORMALISER.normalise("这款茶能\u202e疗治\u202c糖尿病")).isEqualTo("这款茶能治疗糖尿病");
    assertThat(NORMALISER.normalise("TNBhuanzhe")).as("tnb inside a Latin run too: no English word holds it")
        .isEqualTo("糖尿病huanzhe");
    assertThat(NORMALISER.normalise("the vxr engine")).as("vx still only as a whole token").isEqualTo("the vxr engine");
    assertThat(detect("正在吃药的朋友不要擅自停药，遵医嘱")).isEmpty();
  }

  @Test
  void anAllowedVerdictSilencesAClaimOnlyWhereADenialGovernsItsTerm() {
    for (String text : List.of("这款茶能治疗糖尿病，本品不能代替药物", "这款保健品能治疗癌症", "这款蜂蜜能治疗咳嗽",
        "没有任何副作用，还能治疗糖尿病，这个茶", "这款茶不能代替药物，它比药物更好，能治疗糖尿病")) {
      List<Combiner.Detection> found = detect(text);
      assertThat(found).as(text).extracting(Combiner.Detection::category).containsExactly("medical_claim");
      assertThat(found.get(0).severity()).as(text).isEqualTo(Rule.CRITICAL);
    }
    String chatter = "家人们晚上好欢迎来到直播间第一次来的宝宝点个关注今天给大家带来很多福利点点关注不迷路新来的宝宝们扣个1"
        + "这款茶能治疗糖尿病喜欢的宝宝们赶紧下单感谢大家的支持我们家的茶都是自己茶园的";
    assertThat(detect(chatter)).as("a claim inside unpunctuated chatter")
        .extracting(Combiner.Detection::category).containsExactly("medical_claim");
    assertThat(detect("本茶不具有降血糖功效，请勿相信任何宣传")).isEmpty();
    assertThat(detect("身体不舒服要遵医嘱治疗，茶不能代替药物")).isEmpty();
    // A caution earlier in an unpunctuated stretch does not cover a claim made after a new assertion begins.
    for (String text : List.of("这款茶不能代替药物它比药物更好能治疗糖尿病", "没有副作用这款茶还能治疗糖尿病",
        "本品不能代替药物但这款茶能治疗糖尿病", "有高血压的朋友请按医生的嘱咐吃药这款茶能治好高血压")) {
      List<Combiner.Detection> found = detect(text);
      assertThat(found).as(text).extracting(Combiner.Detection::category).contains("medical_claim");
      assertThat(found).as(text).extracting(Combiner.Detection::severity).contains(Rule.CRITICAL);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("examples")
  void behavesAsLabelled(Example example) {
    List<Combiner.Detection> detections = detect(example.text());
    if (example.label().equals("legal")) {
      assertThat(detections).as("a legal sentence raises no warning: %s", example.text()).isEmpty();
    } else {
      assertThat(detections).as("flagged in %s: %s", example.expected(), example.text())
          .extracting(Combiner.Detection::category).containsExactly(example.expected());
      assertThat(detections.get(0).nearest()).as("the model's nearest example is named as evidence").isNotNull();
    }
  }

  @Test
  void theTableIsWellFormedAndEverySentenceIsInTheEvaluationSet() throws IOException {
    List<Example> examples = examples();
    assertThat(examples).hasSizeGreaterThanOrEqualTo(21);
    List<String> labelled = resourceLines("/detect-eval/labelled.tsv").stream()
        .filter(l -> !l.isBlank() && !l.startsWith("#")).toList();
    for (Example example : examples) {
      assertThat(example.label()).as("line %d", example.line()).isIn("violation", "legal");
      if (example.label().equals("legal")) {
        assertThat(example.expected()).as("line %d", example.line()).isEqualTo("legal");
      } else {
        assertThat(example.expected()).as("line %d", example.line()).isIn(CATEGORIES);
      }
      // The evaluation set carries the same sentence with the same label (and category, for a violation).
      assertThat(labelled).as("labelled.tsv holds: %s", example.text()).anyMatch(l -> {
        String[] f = l.split("\t", -1);
        return f.length == 4 && f[3].equals(example.text()) && f[0].equals(example.label())
            && (example.label().equals("legal") || f[1].equals(example.expected()));
      });
    }
  }

  private static List<String> resourceLines(String name) throws IOException {
    try (InputStream in = DetectionExamplesTest.class.getResourceAsStream(name)) {
      assertThat(in).as("resource %s", name).isNotNull();
      return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
    }
  }
}
