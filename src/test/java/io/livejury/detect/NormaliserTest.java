package io.livejury.detect;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class NormaliserTest {

  private static final Normaliser NORMALISER = Normaliser.standard();

  private static String n(String text) {
    return NORMALISER.normalise(text);
  }

  @Test
  void traditionalCharactersBecomeSimplifiedByPhrase() {
    assertThat(n("這個茶能治療糖尿病")).isEqualTo("这个茶能治疗糖尿病");
    assertThat(n("家人們這個桑葉茶喝上一個月，血糖直接降下來，比吃藥還管用"))
        .isEqualTo("家人们这个桑叶茶喝上一个月,血糖直接降下来,比吃药还管用");
    assertThat(n("頭髮乾燥")).as("乾 is 干 in 乾燥").isEqualTo("头发干燥");
    assertThat(n("这个茶很好喝")).as("simplified text is left as it is").isEqualTo("这个茶很好喝");
  }

  @Test
  void fullWidthFormsFoldAndLatinIsLowerCased() {
    assertThat(n("仅剩３件")).isEqualTo("仅剩3件");
    assertThat(n("ＡＤＤ　ｍｙ　ＷｅＣｈａｔ")).isEqualTo("add my wechat");
    assertThat(n("This Tea CURES Diabetes")).isEqualTo("this tea cures diabetes");
    assertThat(n("全网最低！！")).isEqualTo("全网最低!!");
  }

  @Test
  void separatorsInsideWordsAreRemovedAndLatinWordsKeepOneSpace() {
    assertThat(n("降 血 糖")).isEqualTo("降血糖");
    assertThat(n("降·血·压")).isEqualTo("降血压");
    assertThat(n("加 微 信 详聊")).isEqualTo("加微信详聊");
    assertThat(n("降-血-脂，治_愈")).as("the full-width comma folds too").isEqualTo("降血脂,治愈");
    assertThat(n("the   best\tway")).isEqualTo("the best way");
    assertThat(n("only 3 left")).isEqualTo("only 3 left");
    assertThat(n("原价3.5元")).as("a decimal point stays").isEqualTo("原价3.5元");
    assertThat(n("  这个 tea 很好  ")).isEqualTo("这个tea很好");
  }

  @Test
  void chineseNumeralsThatAreQuantitiesOrNumbersBecomeDigits() {
    assertThat(n("最后三单了")).isEqualTo("最后3单了");
    assertThat(n("仅剩五件")).isEqualTo("仅剩5件");
    assertThat(n("原价三百九十九")).isEqualTo("原价399");
    assertThat(n("原價三百九十九")).as("after the traditional form is converted").isEqualTo("原价399");
    assertThat(n("只要两百五")).isEqualTo("只要250");
    assertThat(n("卖了一万五千单")).isEqualTo("卖了15000单");
    assertThat(n("一万五")).isEqualTo("15000");
    assertThat(n("一千零一")).isEqualTo("1001");
    assertThat(n("一亿两千万")).isEqualTo("120000000");
    assertThat(n("十件")).isEqualTo("10件");
    assertThat(n("二零二四年")).isEqualTo("2024年");
    assertThat(n("喝上三个月")).isEqualTo("喝上3个月");
    assertThat(n("限时十分钟")).isEqualTo("限时10分钟");
  }

  @Test
  void numeralsThatAreWordsStayWords() {
    assertThat(n("血糖一下就下来了")).isEqualTo("血糖一下就下来了");
    assertThat(n("第一口")).isEqualTo("第一口");
    assertThat(n("第一件")).as("an ordinal, not a quantity").isEqualTo("第一件");
    assertThat(n("口感一样")).isEqualTo("口感一样");
    assertThat(n("拍一发二")).isEqualTo("拍一发二");
    assertThat(n("千万不要错过")).isEqualTo("千万不要错过");
    assertThat(n("万一不合适")).isEqualTo("万一不合适");
    assertThat(n("一个一个回复")).isEqualTo("一个一个回复");
    assertThat(n("十分好喝")).isEqualTo("十分好喝");
    assertThat(n("独一无二")).isEqualTo("独一无二");
    assertThat(n("百分之百")).isEqualTo("百分之百");
    assertThat(n("三明治")).isEqualTo("三明治");
  }

  @Test
  void evasionSpellingsAreReadAsWhatTheyStandFor() {
    assertThat(n("加薇信")).isEqualTo("加微信");
    assertThat(n("想要的V我")).isEqualTo("想要的加微信");
    assertThat(n("加VX详聊")).isEqualTo("加微信详聊");
    assertThat(n("vx号123456")).isEqualTo("微信号123456");
    assertThat(n("加 V 信")).isEqualTo("加微信");
    assertThat(n("主页有微")).isEqualTo("主页有微信");
    assertThat(n("主页有微信")).as("already spelled out: left alone").isEqualTo("主页有微信");
    assertThat(n("加威信")).isEqualTo("加微信");
    assertThat(n("树立威信")).as("威信 alone is the word for prestige").isEqualTo("树立威信");
    assertThat(n("The vxr engine")).as("not inside a Latin word").isEqualTo("the vxr engine");
  }

  @Test
  void lookAlikeCharactersAndPinyinOfTreatAreReadAsTheWord() {
    assertThat(n("这款茶能冶疗糖尿病")).isEqualTo("这款茶能治疗糖尿病");
    assertThat(n("这款茶能zhiliao糖尿病")).isEqualTo("这款茶能治疗糖尿病");
    assertThat(n("这款茶能zhi liao糖尿病")).isEqualTo("这款茶能治疗糖尿病");
    assertThat(n("这款茶能ZhiLiao糖尿病")).isEqualTo("这款茶能治疗糖尿病");
    assertThat(n("冶炼厂的师傅也爱喝")).as("冶 in a word of its own stays").isEqualTo("冶炼厂的师傅也爱喝");
    assertThat(n("陶冶情操")).isEqualTo("陶冶情操");
    assertThat(n("zhiliaoxx")).as("not inside a longer Latin word").isEqualTo("zhiliaoxx");
  }

  @Test
  void controlCharactersAndEmojiAreDroppedAndBadInputIsHarmless() {
    assertThat(n("加🔥微🔥信")).isEqualTo("加微信");
    assertThat(n("降\u0000血\u200B糖")).isEqualTo("降血糖");
    assertThat(n("好喝😀😀")).isEqualTo("好喝");
    assertThat(n("")).isEmpty();
    assertThat(n(null)).isEmpty();
    assertThat(n("   ")).isEmpty();
    assertThat(n("\uD83D")).as("a lone surrogate").isEmpty();
    String long1000 = "這款茶能降血糖，原价三百九十九，加V信 ".repeat(50).substring(0, 1000);
    assertThat(n(long1000)).contains("降血糖", "原价399", "加微信");
  }

  @Test
  void compatibilityFormsFillersMarksInsideWordsAndNestedOverridesAreReadAsShown() {
    assertThat(n("这款茶能治\uF9C1糖尿病")).as("U+F9C1, the compatibility 療").isEqualTo("这款茶能治疗糖尿病");
    assertThat(n("仅剩㈢件")).as("an enclosed numeral loses its enclosure").isEqualTo("仅剩3件");
    assertThat(n("仅剩③件")).isEqualTo("仅剩3件");
    for (String filler : new String[] {"\u3164", "\u115F", "\u1160", "\uFFA0", "\u2800", "\u3000"}) {
      assertThat(n("降" + filler + "血" + filler + "糖")).as("U+%04X", (int) filler.charAt(0)).isEqualTo("降血糖");
    }
    assertThat(n("降,血,糖")).isEqualTo("降血糖");
    assertThat(n("加。微。信")).isEqualTo("加微信");
    assertThat(n("今天好热,大家多喝水")).as("a mark between longer pieces ends a clause").isEqualTo("今天好热,大家多喝水");
    assertThat(n("1,2,3号链接")).as("a list of numbers stays a list").isEqualTo("1,2,3号链接");
    assertThat(n("能\u202E\u202E疗治\u202C\u202C糖尿病")).isEqualTo("能治疗糖尿病");
    assertThat(n("能\u202E病尿糖\u202E疗治\u202C\u202C")).as("an override nested in an override")
        .isEqualTo("能治疗糖尿病");
    assertThat(n("能\u2067\u202E疗治\u202C\u2069糖尿病")).as("an override in an isolate").isEqualTo("能治疗糖尿病");
    assertThat(n("能\u202E疗治\n糖尿病")).as("an override ends with its line").isEqualTo("能治疗糖尿病");
    assertThat(n("治liao根zhi降xuetang疗愈")).isEqualTo("治疗根治降血糖治愈");
    assertThat(n("想要的加威")).isEqualTo("想要的加微信");
    assertThat(n("加企鹅")).isEqualTo("加qq");
    assertThat(n("企鹅玩偶")).as("a penguin is a penguin").isEqualTo("企鹅玩偶");
  }

  @Test
  void anEvasionTableFromAFileReplacesTheShippedOne(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
    Path file = dir.resolve("evasions.tsv");
    Files.writeString(file, "# ours\n蓝莓号\t微信号\n");
    Normaliser custom = Normaliser.withEvasions(file);
    assertThat(custom.normalise("我的蓝莓号")).isEqualTo("我的微信号");
    assertThat(custom.normalise("加薇信")).as("the shipped table is not in force").isEqualTo("加薇信");
    assertThat(custom.evasions()).hasSize(1);

    assertThatThrownBy(() -> Normaliser.ofEvasionTable("# c\nonly-one-field\n")).hasMessageContaining("line 2");
    assertThatThrownBy(() -> Normaliser.ofEvasionTable("微信\t微信\n")).hasMessageContaining("line 1");
  }

  @Test
  void thousandsOfCharactersStayCheap() {
    String text = "家人们這個茶能降 血 糖，最后三单了，加V信，This tea CURES everything ".repeat(20);
    long start = System.nanoTime();
    for (int i = 0; i < 200; i++) {
      n(text);
    }
    assertThat((System.nanoTime() - start) / 200 / 1_000_000.0).as("ms per 1,000+ characters").isLessThan(20);
  }
}
