package io.livejury.detect;

import io.livejury.semantic.SemanticVerdict;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Each rule of the combination policy, on the shipped lexicon's hits and verdicts as the model gives them. */
class CombinerTest {

  private static final Normaliser NORMALISER = Normaliser.standard();
  private static final Detector LEXICON = new Detector(Lexicon.fromResource(), NORMALISER);

  private static List<Hit> hits(String text) {
    return LEXICON.scan(NORMALISER.normalise(text));
  }

  private static Combiner.Outcome combine(String text, SemanticVerdict verdict) {
    return Combiner.combine(hits(text), verdict, LEXICON.rules());
  }

  /** A category the model is sure of: it also clears the bar set for the model alone. */
  private static SemanticVerdict flagged(String category, double similarity, String example) {
    return new SemanticVerdict(category, similarity, example, false, null, false, true);
  }

  /** A category that clears its threshold but not the stricter bar for the model alone. */
  private static SemanticVerdict flaggedBelowTheAloneBar(String category, double similarity, String example) {
    return new SemanticVerdict(category, similarity, example, false, null, false, false);
  }

  private static SemanticVerdict nothing() {
    return new SemanticVerdict(null, 0.41, "这款茶清热解毒", false, null, false);
  }

  private static SemanticVerdict allowed(String example) {
    return new SemanticVerdict(null, 0.52, "这款茶能治疗糖尿病", true, example, false);
  }

  @Test
  void anAllowedVerdictSilencesLexiconHitsTheModelDidNotFlag() {
    String text = "我们的桑叶茶只是食品，不能代替药物治疗糖尿病";
    assertThat(hits(text)).as("the lexicon alone fires").isNotEmpty();
    Combiner.Outcome outcome = combine(text, allowed("保健食品不是药物，不能代替药物治疗疾病"));
    assertThat(outcome.detections()).as("the disclaimer the law requires warns nobody").isEmpty();
    assertThat(outcome.suppressed()).extracting(hit -> hit.rule().id()).containsExactly("medical.food");
    Combiner.Outcome best = combine("这款茶是最好喝的", allowed("这是我们店里卖得最好的一款"));
    assertThat(best.detections()).as("a warn rule's hit is silenced").isEmpty();
    assertThat(best.suppressed()).extracting(hit -> hit.rule().category()).containsExactly("extreme_words");
  }

  @Test
  void aCautionOrDenialWordCountsOnlyInItsPhrase() {
    // Ordinary phrases that merely contain a caution or denial word, a doctor as the claim's authority, a hedge
    // whose reach ends at 但是, a denial denied again, a rhetorical question, and a joke word that is no direct
    // object of a cure verb: each is the claim it sounds like.
    for (String text : List.of("不得不说喝茶治疗糖尿病效果特别好", "效果不可思议喝茶治疗糖尿病一个月见效",
        "千万不要再花冤枉钱喝茶治好糖尿病", "不要再打胰岛素了喝我家茶治好糖尿病", "严禁外传的秘方茶专治糖尿病",
        "私信咨询专治糖尿病的好茶", "不说别的喝茶治疗糖尿病一绝", "喝这茶避免打针吃药治好糖尿病",
        "医生都惊呆了喝我家的茶治好了糖尿病", "医院治不好的糖尿病喝我家茶三个月治好了",
        "我不敢说百分百但是糖尿病喝了这茶都能治好", "不能说包治百病但是这茶治疗糖尿病绝对有效",
        "喝了这茶怎么可能不降血糖", "谁说喝茶不能降血糖", "这款茶降血糖嘴馋也不怕", "这款茶降血糖快剁手",
        "喝我家的茶治糖尿病不用纠结", "喝茶降血压不再emo", "三甲医院医生推荐的茶治疗糖尿病", "效果没说的喝茶治好糖尿病")) {
      assertThat(hits(text)).as(text).filteredOn(hit -> hit.rule().id().equals("medical.food"))
          .singleElement().satisfies(hit -> assertThat(hit.guarded()).as(text).isFalse());
    }
    for (String text : List.of("有病请去医院治疗，这款茶只是饮料", "这茶治好了我的拖延症", "我从没说过这茶能治病",
        "这款茶很好喝，生病了请看医生治疗")) {
      assertThat(hits(text)).as(text).allSatisfy(hit -> assertThat(hit.guarded()).as(text).isTrue());
    }
  }

  @Test
  void moodWordsDrugAdviceAndLookAlikesAreNoMedicalClaim() {
    for (String text : List.of("这杯茶的香气很疗愈", "这款茶喝起来很疗愈，适合下午", "这款茶的包装设计很治愈",
        "降血压的药和茶不要一起吃", "降血糖的药千万别停，茶只是饮料", "我妈得了糖尿病一直在治疗，她平时喝茶当水",
        "This tea heals my soul on rainy days", "Our tea treats are on sale today")) {
      assertThat(hits(text)).as(text).noneMatch(hit -> hit.rule().category().equals("medical_claim"));
    }
    for (String text : List.of("这款茶加威士忌特别好喝", "这款茶加企鹅图案的包装")) {
      assertThat(hits(text)).as(text).noneMatch(hit -> hit.rule().category().equals("off_platform"));
    }
    assertThat(NORMALISER.normalise("TNB2024")).isEqualTo("tnb2024");
  }

  @Test
  void anAllowedVerdictKeepsAHitInTheCategoryTheModelFlaggedToo() {
    SemanticVerdict both = new SemanticVerdict("off_platform", 0.83, "加我微信私下交易更便宜", true,
        "官方直播间不会让大家加微信", false);
    Combiner.Outcome outcome = combine("这款茶最好喝，想便宜的加我微信", both);
    assertThat(outcome.detections()).extracting(Combiner.Detection::category).containsExactly("off_platform");
    assertThat(outcome.suppressed()).extracting(hit -> hit.rule().category()).containsExactly("extreme_words");
  }

  @Test
  void agreementKeepsTheRulesSeverityAndNamesTheNearestExample() {
    Combiner.Outcome outcome = combine("我们家这款茶能治疗糖尿病",
        flagged("medical_claim", 0.91, "喝了这个茶糖尿病就好了"));
    Combiner.Detection detection = outcome.detections().get(0);
    assertThat(outcome.detections()).hasSize(1);
    assertThat(detection.stage()).isEqualTo(Combiner.BOTH);
    assertThat(detection.ruleId()).isEqualTo("medical.food");
    assertThat(detection.severity()).as("critical: may open a vote").isEqualTo(Rule.CRITICAL);
    assertThat(detection.matched()).containsExactly("治疗");
    assertThat(detection.nearest()).isEqualTo(new Combiner.Nearest("喝了这个茶糖尿病就好了", 0.91));
  }

  @Test
  void theModelAloneWarnsWithItsNearestExampleAndNeverOpensAVote() {
    String text = "喝了以后整个人都轻松了，老毛病再也没犯";
    assertThat(hits(text)).as("no lexicon term in it").isEmpty();
    Combiner.Outcome outcome = combine(text, flagged("medical_claim", 0.78, "喝了半年老胃病都好了"));
    assertThat(outcome.detections()).hasSize(1);
    Combiner.Detection detection = outcome.detections().get(0);
    assertThat(detection.stage()).isEqualTo(Combiner.MODEL);
    assertThat(detection.ruleId()).isEqualTo("model.medical_claim");
    assertThat(detection.severity()).isEqualTo(Rule.WARN);
    assertThat(detection.matched()).isEmpty();
    assertThat(detection.nearest()).isEqualTo(new Combiner.Nearest("喝了半年老胃病都好了", 0.78));
    assertThat(detection.message()).as("the category's least severe lexicon rule speaks for it")
        .isEqualTo(LEXICON.rules().stream().filter(r -> r.id().equals("medical.claim")).findFirst().orElseThrow().message());
  }

  @Test
  void theModelAloneBelowItsStricterBarStaysSilentButStillBacksTheLexicon() {
    String quiet = "喝了以后整个人都轻松了，老毛病再也没犯";
    assertThat(combine(quiet, flaggedBelowTheAloneBar("medical_claim", 0.66, "喝了半年老胃病都好了")).detections())
        .as("no lexicon hit and the model not sure enough by itself").isEmpty();
    Combiner.Outcome agreed = combine("我们家这款茶能治疗糖尿病",
        flaggedBelowTheAloneBar("medical_claim", 0.66, "喝了这个茶糖尿病就好了"));
    assertThat(agreed.detections()).extracting(Combiner.Detection::stage, Combiner.Detection::severity)
        .containsExactly(org.assertj.core.groups.Tuple.tuple(Combiner.BOTH, Rule.CRITICAL));
  }

  @Test
  void aHitTheModelSoundsLikeIsAgreementEvenWhenAQuietSentenceIsALittleNearer() {
    // The nearest example of all is a quiet one (no category of its own), but the nearest violation example is a
    // medical claim above its threshold: the lexicon's medical hit keeps its severity.
    SemanticVerdict verdict = new SemanticVerdict(null, 0.72, "喝了这个茶糖尿病就好了", false, null, false, false,
        "medical_claim");
    Combiner.Outcome outcome = combine("我们家这款茶能治疗糖尿病", verdict);
    assertThat(outcome.detections()).extracting(Combiner.Detection::stage, Combiner.Detection::severity)
        .containsExactly(org.assertj.core.groups.Tuple.tuple(Combiner.BOTH, Rule.CRITICAL));
    assertThat(combine("喝了以后整个人都轻松了，老毛病再也没犯", verdict).detections())
        .as("not enough for the model alone").isEmpty();
  }

  @Test
  void theLexiconAloneIsCappedAtAWarningWhenTheModelRanAndFoundNothing() {
    Combiner.Outcome outcome = combine("想要便宜的加我微信，私下交易", nothing());
    assertThat(outcome.detections()).hasSize(1);
    Combiner.Detection detection = outcome.detections().get(0);
    assertThat(detection.stage()).isEqualTo(Combiner.LEXICON);
    assertThat(detection.ruleId()).isEqualTo("offplatform.redirect");
    assertThat(detection.severity()).isEqualTo(Rule.WARN);
    assertThat(detection.nearest()).as("what the model heard instead")
        .isEqualTo(new Combiner.Nearest("这款茶清热解毒", 0.41));
  }

  @Test
  void theLexiconAloneInAnotherCategoryThanTheModelsIsCappedAndBothAreReported() {
    Combiner.Outcome outcome = combine("这款茶能治疗糖尿病", flagged("off_platform", 0.8, "加我微信私聊"));
    assertThat(outcome.detections()).extracting(Combiner.Detection::category, Combiner.Detection::stage,
            Combiner.Detection::severity)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("medical_claim", Combiner.LEXICON, Rule.WARN),
            org.assertj.core.groups.Tuple.tuple("off_platform", Combiner.MODEL, Rule.WARN));
  }

  @Test
  void aModelTooBusyToRunLeavesACriticalHitAWarningThatSaysWhy() {
    Combiner.Outcome outcome = combine("我们家这款茶能治疗糖尿病", SemanticVerdict.busyNotRun());
    assertThat(outcome.detections()).hasSize(1);
    Combiner.Detection d = outcome.detections().get(0);
    assertThat(d.ruleId()).isEqualTo("medical.food");
    assertThat(d.severity()).as("no vote on the lexicon's word alone while the model is busy").isEqualTo(Rule.WARN);
    assertThat(d.stage()).isEqualTo(Combiner.LEXICON);
    assertThat(d.model()).isEqualTo(Combiner.MODEL_BUSY);
    assertThat(combine("我们家这款茶能治疗糖尿病", SemanticVerdict.notRun()).detections().get(0).severity())
        .as("a model that is off keeps the lexicon as it was").isEqualTo(Rule.CRITICAL);
  }

  @Test
  void aModelRefusedForTheStreamersOwnShareLeavesTheLexiconsSeverity() {
    Combiner.Outcome outcome = combine("我们家这款茶能治疗糖尿病", SemanticVerdict.ownShareFull());
    Combiner.Detection d = outcome.detections().get(0);
    assertThat(d.severity()).as("no acquittal by a model the streamer's own flood kept out").isEqualTo(Rule.CRITICAL);
    assertThat(d.stage()).isEqualTo(Combiner.LEXICON);
    assertThat(d.model()).isEqualTo(Combiner.MODEL_OWN_SHARE);
    assertThat(combine("这款茶很好喝,有病请去医院治疗", SemanticVerdict.ownShareFull()).detections().get(0).severity())
        .as("a governed term stays below critical all the same").isEqualTo(Rule.WARN);
  }

  @Test
  void aGovernedHitIsNeverCriticalEvenWhenTheModelAgrees() {
    for (String text : List.of("这款茶很好喝,有病请去医院治疗", "我从没说过这茶能治病", "这茶治好了我的拖延症")) {
      assertThat(hits(text)).as(text).singleElement().satisfies(hit -> assertThat(hit.guarded()).isTrue());
      for (SemanticVerdict verdict : java.util.Arrays.asList(flagged("medical_claim", 0.9, "喝了这个茶糖尿病就好了"),
          SemanticVerdict.notRun(), null)) {
        assertThat(combine(text, verdict).detections()).as(text).extracting(Combiner.Detection::severity)
            .containsExactly(Rule.WARN);
      }
    }
    for (String text : List.of("这个茶没法治糖尿病", "这款茶不可以代替药物", "这茶哪能治病啊", "这款茶怎么可能治好糖尿病")) {
      assertThat(hits(text)).as("denied outright: %s", text).isEmpty();
    }
    assertThat(hits("这茶治好了我的拖延症，还能治糖尿病")).as("a claim in a clause of its own still counts")
        .singleElement().satisfies(hit -> assertThat(hit.guarded()).isFalse());
    assertThat(hits("不要犹豫喝这茶马上治好你的糖尿病")).as("an urging that begins with a caution word is no caution")
        .singleElement().satisfies(hit -> assertThat(hit.guarded()).isFalse());
  }

  @Test
  void aDegradedOrAbsentModelLeavesTheLexiconAsItWas() {
    for (SemanticVerdict verdict : java.util.Arrays.asList(SemanticVerdict.notRun(), null)) {
      Combiner.Outcome outcome = combine("我们家这款茶能治疗糖尿病", verdict);
      assertThat(outcome.detections()).hasSize(1);
      Combiner.Detection detection = outcome.detections().get(0);
      assertThat(detection.stage()).isEqualTo(Combiner.LEXICON);
      assertThat(detection.severity()).as("critical: may open a vote as before").isEqualTo(Rule.CRITICAL);
      assertThat(detection.nearest()).isNull();
      assertThat(outcome.suppressed()).isEmpty();
    }
  }

  @Test
  void theStageThatIsOffAnswersDegradedAtOnce() {
    SemanticVerdict verdict = io.livejury.semantic.SemanticStage.off().judge("这款茶能治疗糖尿病").result();
    assertThat(combine("这款茶能治疗糖尿病", verdict).detections())
        .extracting(Combiner.Detection::severity).containsExactly(Rule.CRITICAL);
  }

  @Test
  void aStageBuiltFromALambdaFeedsTheCombinerItsVerdict() {
    io.livejury.semantic.SemanticStage stage = normalised -> io.vertx.core.Future.succeededFuture(
        normalised.contains("糖尿病") ? flagged("medical_claim", 0.88, "喝茶能把糖尿病治好") : nothing());
    String text = NORMALISER.normalise("這款茶能治療糖尿病");
    SemanticVerdict verdict = stage.judge(text).result();
    Combiner.Outcome outcome = Combiner.combine(LEXICON.scan(text), verdict, LEXICON.rules());
    assertThat(outcome.detections()).extracting(Combiner.Detection::stage).containsExactly(Combiner.BOTH);
  }
}
