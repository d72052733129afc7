package io.livejury.detect;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DetectorTest {

  private static final Normaliser NORMALISER = Normaliser.standard();
  private final Detector lexicon = new Detector(Lexicon.fromResource(), NORMALISER);

  private List<Hit> scan(String text) {
    return lexicon.scan(NORMALISER.normalise(text));
  }

  private List<String> categories(String text) {
    return scan(text).stream().map(hit -> hit.rule().category()).toList();
  }

  private Hit only(String text) {
    List<Hit> hits = scan(text);
    assertThat(hits).as("hits for: " + text).hasSize(1);
    return hits.get(0);
  }

  @Test
  void absoluteWordsAreFlagged() {
    Hit hit = only("这是全网最好的面膜，国家级工艺");
    assertThat(hit.rule().category()).isEqualTo("extreme_words");
    assertThat(hit.matched()).containsExactly("最好", "国家级");
    assertThat(only("This is the best ever blender").rule().category()).isEqualTo("extreme_words");
  }

  @Test
  void aMedicalClaimOnFoodIsCriticalAndOnAnythingElseAWarning() {
    Hit tea = only("我们家这款茶能治疗糖尿病，喝一个月降血糖");
    assertThat(tea.rule().id()).isEqualTo("medical.food");
    assertThat(tea.rule().severity()).isEqualTo("critical");
    assertThat(tea.matched()).contains("治疗", "降血糖");

    Hit gadget = only("这个按摩仪可以治愈颈椎病");
    assertThat(gadget.rule().id()).isEqualTo("medical.claim");
    assertThat(gadget.rule().severity()).isEqualTo("warn");

    assertThat(only("This herbal TEA cures diabetes").rule().id()).isEqualTo("medical.food");
  }

  @Test
  void aTermRightAfterADenialDoesNotCountWhileTheSameClaimSaidAgainDoes() {
    assertThat(scan("本茶不具有降血糖功效，请勿相信任何宣传")).isEmpty();
    assertThat(scan("这款茶没有任何治疗作用，就是口粮茶")).isEmpty();
    assertThat(scan("这个茶并不能降血压")).isEmpty();
    Hit again = only("别家的茶不能降血糖，我们这款茶能降血糖");
    assertThat(again.rule().id()).as("the second, affirmed 降血糖 is a claim").isEqualTo("medical.food");
    Detector without = new Detector(Lexicon.fromResource(), NORMALISER, Negations.none());
    assertThat(without.scan(NORMALISER.normalise("本茶不具有降血糖功效"))).as("the table is what denies").isNotEmpty();
  }

  @Test
  void anOrdinalThatCountsPartsOfTheShowIsNoAbsoluteWord() {
    assertThat(scan("第一段家人们好")).isEmpty();
    assertThat(scan("今天第一场直播，谢谢大家")).isEmpty();
  }

  @Test
  void priceFraudIsFlagged() {
    assertThat(categories("原价299，今天直播间只要59，全网最低价！")).contains("price_fraud");
    assertThat(categories("Lowest price ever, original price was 99")).contains("price_fraud");
  }

  @Test
  void fakeScarcityIsFlaggedWithAnyNumber() {
    Hit hit = only("最后3件了，手慢无！");
    assertThat(hit.rule().category()).isEqualTo("fake_scarcity");
    assertThat(hit.matched()).containsExactly("最后#件");
    assertThat(categories("仅剩12单，库存告急")).containsExactly("fake_scarcity");
    assertThat(categories("Hurry, only 3 left in stock")).containsExactly("fake_scarcity");
    assertThat(categories("仅剩３件")).as("full-width digits").containsExactly("fake_scarcity");
  }

  @Test
  void steeringBuyersOffThePlatformIsFlagged() {
    assertThat(only("想要便宜的加我微信，私下交易").rule().category()).isEqualTo("off_platform");
    assertThat(only("Just add my WeChat and pay me directly").rule().severity()).isEqualTo("critical");
  }

  @Test
  void nearMissesStayQuiet() {
    assertThat(scan("这个茶很好喝")).isEmpty();
    assertThat(scan("这是我第一次来直播间")).isEmpty();
    assertThat(scan("最好不要空腹喝")).isEmpty();
    assertThat(scan("治疗期间可以喝这个茶")).isEmpty();
    assertThat(scan("最后一个问题，这个茶怎么泡")).isEmpty();
    assertThat(scan("我们的茶叶产自云南，口感醇厚")).isEmpty();
    assertThat(scan("The box is secure and the curtain is blue")).as("'cure' inside 'secure'").isEmpty();
    assertThat(scan("")).isEmpty();
  }

  @Test
  void claimsWrittenAroundTheWordsAreCaughtOnceNormalised() {
    Hit traditional = only("这个茶能治療糖尿病");
    assertThat(traditional.rule().id()).as("traditional characters").isEqualTo("medical.food");
    assertThat(categories("降 血 糖")).as("spaced").containsExactly("medical_claim");
    assertThat(categories("降·血·压")).as("separated").containsExactly("medical_claim");
    assertThat(categories("最后三单了")).as("Chinese numerals").containsExactly("fake_scarcity");
    assertThat(categories("仅剩五件")).containsExactly("fake_scarcity");
    assertThat(categories("原价三百九十九")).containsExactly("price_fraud");
    for (String evasion : List.of("加 微 信 详聊", "想要的V我", "加薇信", "主页有微")) {
      assertThat(categories(evasion)).as("evasion spelling: " + evasion).containsExactly("off_platform");
    }
    assertThat(only("想要的V我").matched()).as("加vx is 加微信 once read: one term").containsExactly("加微信");
    assertThat(only("This tea clears clogged arteries").rule().id()).isEqualTo("medical.food");
    assertThat(categories("家人们这个桑叶茶喝上一个月，血糖直接降下来，比吃药还管用")).containsExactly("medical_claim");
    assertThat(categories("血糖一下就下来了")).containsExactly("medical_claim");
  }

  @Test
  void legalUsesOfTheWordsStayQuiet() {
    assertThat(scan("最佳冲泡水温是八十五度")).isEmpty();
    assertThat(scan("这是我们家卖得最好的一款")).isEmpty();
    assertThat(scan("第一口有点苦，后面回甘")).isEmpty();
    assertThat(scan("The best way to brew it is with water just off the boil")).isEmpty();
    assertThat(scan("最后一件事，拍之前看好尺码")).isEmpty();
    assertThat(scan("Try our tea and honey treats bundle")).isEmpty();
    assertThat(scan("官方直播间不会让大家加微信私下交易")).isEmpty();
    assertThat(scan("保健食品不是药物，不能代替药物治疗疾病")).isEmpty();
    assertThat(scan("口感和昨天一样，千万别空腹喝")).isEmpty();
  }

  @Test
  void findsEveryOccurrenceANaiveSearchFinds() {
    List<String> words = List.of("he", "she", "his", "hers", "治疗", "治", "疗效", "a", "aa");
    Map<String, List<String>> patterns = new java.util.HashMap<>();
    words.forEach(w -> patterns.put(w, List.of(w)));
    AhoCorasick<String> automaton = new AhoCorasick<>(patterns);
    Random random = new Random(7);
    String alphabet = "hersia治疗效";
    for (int round = 0; round < 500; round++) {
      StringBuilder text = new StringBuilder();
      for (int i = 0; i < 30; i++) {
        text.append(alphabet.charAt(random.nextInt(alphabet.length())));
      }
      List<String> expected = new ArrayList<>();
      for (int end = 1; end <= text.length(); end++) {
        for (String word : words) {
          if (end >= word.length() && text.substring(end - word.length(), end).equals(word)) {
            expected.add(word + "@" + (end - word.length()));
          }
        }
      }
      List<String> found = automaton.search(text.toString()).stream().map(m -> m.payload() + "@" + m.start()).toList();
      assertThat(found).containsExactlyInAnyOrderElementsOf(expected);
    }
  }

  @Test
  void aMalformedLexiconLineIsRefusedWithItsLineNumber() {
    assertThatThrownBy(() -> Lexicon.parse("# comment\nid | cat | warn | a | | \n"))
        .hasMessageContaining("line 2");
    assertThatThrownBy(() -> Lexicon.parse("id | cat | loud | a | | | msg\n")).hasMessageContaining("severity");
  }
}
