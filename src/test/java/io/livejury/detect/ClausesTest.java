package io.livejury.detect;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ClausesTest {

  private static Clauses clauses(int splitAbove, int min, int max) {
    return Clauses.standard(new Clauses.Options(splitAbove, min, max));
  }

  @Test
  void aShortSegmentIsOneClause() {
    assertThat(clauses(40, 8, 6).split("这款茶，能治疗糖尿病")).containsExactly("这款茶，能治疗糖尿病");
  }

  @Test
  void aLongSegmentIsCutAfterItsMarksTinyPiecesJoinTheNextAndTheClausesAreTheSegmentAgain() {
    String text = "家人们好，欢迎来到直播间！今天福利很多很多哦。这款茶能治疗糖尿病…喜欢的宝宝们赶紧下单吧,谢谢";
    List<String> cut = clauses(20, 8, 6).split(text);
    assertThat(cut).containsExactly("家人们好，欢迎来到直播间！", "今天福利很多很多哦。", "这款茶能治疗糖尿病…",
        "喜欢的宝宝们赶紧下单吧,谢谢");
    assertThat(String.join("", cut)).isEqualTo(text);
  }

  @Test
  void atMostMaxClausesRemainTheShortestNeighboursJoined() {
    String text = "一二三四五六七八，一二三四五六七八，一二三四五六七八九十，一二三四五六七八，一二三四五六七八九十十一";
    List<String> cut = clauses(10, 8, 3).split(text);
    assertThat(cut).hasSize(3);
    assertThat(String.join("", cut)).isEqualTo(text);
    assertThat(cut.get(0)).isEqualTo("一二三四五六七八，一二三四五六七八，");
  }

  @Test
  void aLongTextWithoutMarksStaysWhole() {
    String text = "家人们晚上好欢迎来到直播间今天给大家带来很多福利点点关注不迷路这款茶能治疗糖尿病";
    assertThat(clauses(20, 8, 6).split(text)).containsExactly(text);
  }

  @Test
  void optionsBelowOneAreRefused() {
    assertThatThrownBy(() -> new Clauses.Options(0, 8, 6)).isInstanceOf(IllegalArgumentException.class);
  }
}
