package io.livejury.detect;

import com.hankcs.hanlp.HanLP;
import io.livejury.common.Resources;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.Bidi;
import java.text.Normalizer.Form;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Puts what a streamer says into the one spelling every detection stage reads, so that a claim is found however
 * it was typed or transcribed. In order:
 * <ol>
 *   <li>Unicode compatibility forms become their plain characters (NFKC: the compatibility ideograph U+F9D1 → 六,
 *       ＡＢＣ → ABC); an enclosed numeral or ideograph loses its enclosure (㈢ → 三, ⑶ → 3) rather than gaining
 *       brackets that would cut the word it stands in;</li>
 *   <li>text under bidirectional overrides, embeddings and isolates (U+202A–U+202E, U+2066–U+2069, nested or not)
 *       is put in the order a screen shows it ({@link java.text.Bidi});</li>
 *   <li>control characters, emoji and other pictographs are dropped, and so are the invisible fillers of the
 *       table (Hangul fillers U+3164, U+115F, U+1160, U+FFA0, the braille blank U+2800): they count as separators
 *       below;</li>
 *   <li>full-width forms become ASCII (ＡＢＣ１２３ → ABC123, the ideographic space a space);</li>
 *   <li>traditional characters become simplified ones, by phrase (HanLP's conversion tables: 治療 → 治疗,
 *       頭髮乾燥 → 头发干燥);</li>
 *   <li>lower case;</li>
 *   <li>separators inside words are removed (降 血 糖, 降·血·压 → 降血糖, 降血压); between two Latin letters
 *       or digits a run of them becomes one space, so "the  best" reads "the best";</li>
 *   <li>a Chinese character standing alone between two punctuation marks loses both marks (降,血,糖 → 降血糖);</li>
 *   <li>Chinese numerals that are quantities or multi-character numbers become digits (最后三单 → 最后3单,
 *       三百九十九 → 399), while 一下, 第一, 一样 stay words;</li>
 *   <li>evasion spellings are replaced by what they stand for (加薇信 → 加微信, 想要的v我 → 想要的加微信); a Latin
 *       variant matches whole Latin tokens only unless its row says {@code anywhere} (tnb, in TNBhuanzhe), and even then
 *       not beside a digit (TNB2024 is a code); a row whose variant the text already reads as its replacement keeps
 *       that text as it is (加威士忌 stays whisky).</li>
 * </ol>
 * The numeral, separator and invisible-character tables are the resource {@code detect/normaliser.tsv}; the evasion table is the
 * resource {@code detect/evasions.tsv} or a file of the same format; both formats are described at the top of
 * those files. Immutable once built: any thread may call {@link #normalise}. Building one reads the tables and
 * loads the conversion dictionary (about 0.2 s the first time in a JVM): do it off the event loop.
 */
public final class Normaliser {

  private static final byte SEPARATOR = 1;
  private static final byte NUMERAL = 2;
  /** A character that shows nothing yet is no control or format character (a Hangul filler): dropped. */
  private static final byte INVISIBLE = 4;
  /** Directional formatting characters: embeddings, overrides and their pop, isolates and theirs. */
  private static final String DIRECTIONAL = "\u202A\u202B\u202C\u202D\u202E\u2066\u2067\u2068\u2069";

  /**
   * One row of the evasion table, both sides already normalised.
   *
   * @param anywhere the variant also matches inside a run of Latin letters (the table's {@code anywhere} mark)
   */
  record Evasion(String variant, String replacement, boolean anywhere) {
  }

  private final Map<Character, Integer> digits = new HashMap<>();
  private final Map<Character, Long> units = new HashMap<>();
  private final Set<Character> separators = new HashSet<>();
  /** Per UTF-16 unit: a separator (bit 1) or a numeral character (bit 2); looked up without boxing. */
  private final byte[] kinds = new byte[Character.MAX_VALUE + 1];
  private final List<String> measures;
  private final List<String> ordinals;
  private final List<String> keeps;
  private final List<Evasion> evasions;
  private final AhoCorasick<Evasion> evasionAutomaton;

  private Normaliser(String table, String evasionTable, String evasionSource) {
    List<String> measureList = new ArrayList<>();
    List<String> ordinalList = new ArrayList<>();
    List<String> keepList = new ArrayList<>();
    String[] lines = table.split("\n");
    for (int n = 0; n < lines.length; n++) {
      String line = lines[n].strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      String[] fields = line.split("\t");
      String where = "normaliser table line " + (n + 1);
      switch (fields[0]) {
        case "digit" -> values(fields, 3, where).forEach(c -> digits.put(c.charAt(0), Integer.parseInt(fields[1])));
        case "unit" -> values(fields, 3, where).forEach(c -> units.put(c.charAt(0), Long.parseLong(fields[1])));
        case "measure" -> measureList.addAll(values(fields, 2, where));
        case "ordinal" -> ordinalList.addAll(values(fields, 2, where));
        case "keep" -> keepList.addAll(values(fields, 2, where));
        case "separator" -> values(fields, 2, where).forEach(c -> separators.add(c.charAt(0)));
        case "invisible" -> values(fields, 2, where).forEach(c -> kinds[codePoint(c, where)] |= INVISIBLE);
        default -> throw new IllegalArgumentException(where + ": unknown kind '" + fields[0] + "'");
      }
    }
    separators.forEach(c -> kinds[c] |= SEPARATOR);
    digits.keySet().forEach(c -> kinds[c] |= NUMERAL);
    units.keySet().forEach(c -> kinds[c] |= NUMERAL);
    // Longest first, so 个月 is tried before 个 and 一模一样 before 一模.
    Comparator<String> longestFirst = Comparator.comparingInt(String::length).reversed();
    measureList.sort(longestFirst);
    keepList.sort(longestFirst);
    this.measures = List.copyOf(measureList);
    this.ordinals = List.copyOf(ordinalList);
    this.keeps = List.copyOf(keepList);
    this.evasions = parseEvasions(evasionTable, evasionSource);
    Map<String, List<Evasion>> patterns = new HashMap<>();
    for (Evasion evasion : evasions) {
      patterns.computeIfAbsent(evasion.variant(), v -> new ArrayList<>()).add(evasion);
    }
    this.evasionAutomaton = new AhoCorasick<>(patterns);
    normalise("預熱"); // loads the conversion dictionary now, not on the first transcript
  }

  /** The shipped tables: {@code detect/normaliser.tsv} and {@code detect/evasions.tsv}. */
  public static Normaliser standard() {
    return new Normaliser(Resources.text("/detect/normaliser.tsv"), Resources.text("/detect/evasions.tsv"), "detect/evasions.tsv");
  }

  /**
   * The shipped numeral table with the evasion table of {@code evasions} (format of {@code detect/evasions.tsv});
   * the shipped evasion table when {@code evasions} is null.
   *
   * @throws UncheckedIOException     the file cannot be read
   * @throws IllegalArgumentException a line of it does not parse (the message names the line)
   */
  public static Normaliser withEvasions(Path evasions) {
    if (evasions == null) {
      return standard();
    }
    try {
      return new Normaliser(Resources.text("/detect/normaliser.tsv"), Files.readString(evasions, StandardCharsets.UTF_8),
          evasions.toString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** For tests: the shipped numeral table with the given evasion table text. */
  static Normaliser ofEvasionTable(String evasionTable) {
    return new Normaliser(Resources.text("/detect/normaliser.tsv"), evasionTable, "(given)");
  }

  /** The evasion table in force, each side normalised. */
  List<Evasion> evasions() {
    return evasions;
  }

  /**
   * The normalised form of {@code text} (never null; empty for null or empty text). Linear in the text's length;
   * about a microsecond for a livestream sentence (docs/detection.md).
   */
  public String normalise(String text) {
    return replaceEvasions(plain(text));
  }

  /** Every step but the evasion table. */
  private String plain(String text) {
    if (text == null || text.isEmpty()) {
      return "";
    }
    String folded = fold(asShown(compatible(text)));
    String simplified = hasHan(folded) ? HanLP.convertToSimplifiedChinese(folded) : folded;
    return numerals(joinIsolated(joinWords(simplified)));
  }

  /**
   * NFKC, the enclosures of enclosed characters dropped first. Why: a compatibility ideograph (U+F900–U+FAFF) looks
   * exactly like the unified one a term is written with, and NFKC alone would turn ㈢ into "(三)", whose brackets
   * cut 仅剩㈢件 in two; the circled, parenthesised and full-stop forms of the enclosed blocks (U+2460–U+24FF,
   * U+3200–U+32FF, U+1F100–U+1F1FF) stand for their content alone.
   */
  static String compatible(String text) {
    StringBuilder out = null;
    for (int i = 0; i < text.length(); ) {
      int cp = text.codePointAt(i);
      int next = i + Character.charCount(cp);
      if (enclosed(cp)) {
        String plain = java.text.Normalizer.normalize(text.substring(i, next), Form.NFKC);
        if (plain.length() > 2 && plain.startsWith("(") && plain.endsWith(")")) {
          plain = plain.substring(1, plain.length() - 1);
        } else if (plain.length() > 1 && plain.endsWith(".")) {
          plain = plain.substring(0, plain.length() - 1); // ⒈ is "1." as a list marker
        }
        if (out == null) {
          out = new StringBuilder(text.length()).append(text, 0, i);
        }
        out.append(plain);
      } else if (out != null) {
        out.appendCodePoint(cp);
      }
      i = next;
    }
    String unenclosed = out == null ? text : out.toString();
    return java.text.Normalizer.isNormalized(unenclosed, Form.NFKC) ? unenclosed
        : java.text.Normalizer.normalize(unenclosed, Form.NFKC);
  }

  private static boolean enclosed(int cp) {
    return (cp >= 0x2460 && cp <= 0x24FF) || (cp >= 0x3200 && cp <= 0x32FF) || (cp >= 0x1F100 && cp <= 0x1F1FF);
  }

  /**
   * The text in the order a screen shows it. Under a right-to-left override (U+202E) up to its pop (U+202C) or the
   * end of the line, characters are displayed reversed, so {@code 能\u202e疗治\u202c糖尿病} reads 能治疗糖尿病 to a
   * viewer and must read so to the lexicon too; overrides nest, and an isolate (U+2066–U+2069) or embedding may
   * hold one, so the Unicode bidirectional algorithm ({@link Bidi}) orders each line, its runs of odd (right-to-left)
   * level reversed. Text without directional formatting characters is returned as it is (a line of Arabic or Hebrew
   * is stored in reading order already). The controls themselves are dropped later, with every other one.
   */
  static String asShown(String text) {
    boolean directional = false;
    for (int i = 0; i < text.length() && !directional; i++) {
      directional = DIRECTIONAL.indexOf(text.charAt(i)) >= 0;
    }
    if (!directional) {
      return text;
    }
    StringBuilder out = new StringBuilder(text.length());
    int from = 0;
    while (from <= text.length()) {
      int end = text.indexOf('\n', from);
      String line = text.substring(from, end < 0 ? text.length() : end);
      out.append(line.isEmpty() ? line : visualLine(line));
      if (end < 0) {
        break;
      }
      out.append('\n');
      from = end + 1;
    }
    return out.toString();
  }

  private static String visualLine(String line) {
    Bidi bidi = new Bidi(line, Bidi.DIRECTION_LEFT_TO_RIGHT);
    if (bidi.isLeftToRight()) {
      return line;
    }
    int runs = bidi.getRunCount();
    byte[] levels = new byte[runs];
    Integer[] order = new Integer[runs];
    for (int i = 0; i < runs; i++) {
      levels[i] = (byte) bidi.getRunLevel(i);
      order[i] = i;
    }
    Bidi.reorderVisually(levels, 0, order, 0, runs);
    StringBuilder out = new StringBuilder(line.length());
    for (int run : order) {
      String piece = line.substring(bidi.getRunStart(run), bidi.getRunLimit(run));
      out.append((bidi.getRunLevel(run) & 1) == 1 ? new StringBuilder(piece).reverse() : piece);
    }
    return out.toString();
  }

  /** Drops control characters, pictographs and invisible fillers (as a space), folds full-width forms to ASCII. */
  private String fold(String text) {
    StringBuilder out = new StringBuilder(text.length());
    for (int i = 0; i < text.length(); ) {
      int cp = text.codePointAt(i);
      i += Character.charCount(cp);
      if (cp >= 0xFF01 && cp <= 0xFF5E) {
        out.append((char) (cp - 0xFEE0));
      } else if (cp == 0x3000) {
        out.append(' ');
      } else if (dropped(cp) || (cp <= Character.MAX_VALUE && (kinds[cp] & INVISIBLE) != 0)) {
        out.append(' ');
      } else {
        out.appendCodePoint(cp);
      }
    }
    return out.toString();
  }

  private static boolean dropped(int cp) {
    if (cp == '\n' || cp == '\t' || cp == '\r') {
      return false; // white space: a separator like any other
    }
    return switch (Character.getType(cp)) {
      case Character.CONTROL, Character.FORMAT, Character.SURROGATE, Character.PRIVATE_USE, Character.UNASSIGNED,
          Character.OTHER_SYMBOL, Character.NON_SPACING_MARK, Character.ENCLOSING_MARK -> true;
      default -> false;
    };
  }

  private static boolean hasHan(String text) {
    for (int i = 0; i < text.length(); i++) {
      if (text.charAt(i) >= 0x3400) {
        return true;
      }
    }
    return false;
  }

  /** Lower case; separator runs removed inside words, one space between Latin words or numbers. */
  private String joinWords(String text) {
    StringBuilder out = new StringBuilder(text.length());
    int i = 0;
    while (i < text.length()) {
      char c = text.charAt(i);
      if (!isSeparator(c)) {
        out.append(Character.toLowerCase(c));
        i++;
        continue;
      }
      int end = i;
      boolean onlyDots = true;
      while (end < text.length() && isSeparator(text.charAt(end))) {
        onlyDots &= text.charAt(end) == '.';
        end++;
      }
      if (out.length() > 0 && end < text.length()) {
        char before = out.charAt(out.length() - 1);
        char after = text.charAt(end);
        if (onlyDots && end - i == 1 && isDigit(before) && isDigit(after)) {
          out.append('.'); // a decimal point: 3.5
        } else if (isLatinOrDigit(before) && isLatinOrDigit(after)) {
          out.append(' ');
        }
      }
      i = end;
    }
    return out.toString();
  }

  private boolean isSeparator(char c) {
    return (kinds[c] & SEPARATOR) != 0 || Character.isWhitespace(c) || Character.isSpaceChar(c);
  }

  /**
   * A Chinese character standing alone between two punctuation marks, with a letter, digit or Chinese character
   * beyond each, is one character of a word spelled out with marks between its characters (降,血,糖 → 降血糖;
   * 加。微。信 → 加微信): both marks go. Why only then: a mark between two longer pieces ends a clause, which the
   * denials and cautions are judged by, and a list of numbers (1,2,3) stays a list.
   */
  private static String joinIsolated(String text) {
    boolean[] drop = null;
    for (int i = 2; i + 2 < text.length(); i++) {
      if (isHan(text.charAt(i)) && isMark(text.charAt(i - 1)) && isMark(text.charAt(i + 1))
          && isWordChar(text.charAt(i - 2)) && isWordChar(text.charAt(i + 2))) {
        if (drop == null) {
          drop = new boolean[text.length()];
        }
        drop[i - 1] = true;
        drop[i + 1] = true;
      }
    }
    if (drop == null) {
      return text;
    }
    StringBuilder out = new StringBuilder(text.length());
    for (int i = 0; i < text.length(); i++) {
      if (!drop[i]) {
        out.append(text.charAt(i));
      }
    }
    return out.toString();
  }

  private static boolean isHan(char c) {
    return Character.UnicodeScript.of(c) == Character.UnicodeScript.HAN;
  }

  private static boolean isWordChar(char c) {
    return isHan(c) || isLatinOrDigit(c);
  }

  private static boolean isMark(char c) {
    return switch (Character.getType(c)) {
      case Character.OTHER_PUNCTUATION, Character.DASH_PUNCTUATION, Character.START_PUNCTUATION,
          Character.END_PUNCTUATION, Character.INITIAL_QUOTE_PUNCTUATION, Character.FINAL_QUOTE_PUNCTUATION,
          Character.CONNECTOR_PUNCTUATION -> true;
      default -> false;
    };
  }

  /** Chinese numerals that are quantities or multi-character numbers, as digits. */
  private String numerals(String text) {
    StringBuilder out = null;
    int copied = 0;
    int i = 0;
    while (i < text.length()) {
      char c = text.charAt(i);
      if ((kinds[c] & NUMERAL) == 0) {
        i++;
        continue;
      }
      String keep = startsWithAny(text, i, keeps);
      if (keep != null) {
        i += keep.length();
        continue;
      }
      int end = i;
      boolean hasDigit = false;
      while (end < text.length() && (kinds[text.charAt(end)] & NUMERAL) != 0) {
        hasDigit |= digits.containsKey(text.charAt(end));
        end++;
      }
      boolean quantity = startsWithAny(text, end, measures) != null;
      boolean number = end - i >= 2 && hasDigit;
      Long value = (quantity || number) && !endsWithAny(text, i, ordinals) ? value(text, i, end) : null;
      if (value != null) {
        if (out == null) {
          out = new StringBuilder(text.length());
        }
        out.append(text, copied, i).append(value);
        copied = end;
      }
      i = end;
    }
    return out == null ? text : out.append(text, copied, text.length()).toString();
  }

  /**
   * The value of the numeral {@code text[start, end)}, or null when it is no well-formed number. Digits alone are
   * read digit by digit (二零二四 → 2024); with units the usual way (三百九十九 → 399, 一万二千 → 12000), and a
   * last digit straight after a unit of a hundred or more counts one place lower (三百五 → 350, 一万五 → 15000).
   */
  private Long value(String text, int start, int end) {
    boolean anyUnit = false;
    for (int i = start; i < end; i++) {
      anyUnit |= units.containsKey(text.charAt(i));
    }
    if (!anyUnit) {
      if (end - start > 18) {
        return null;
      }
      long value = 0;
      for (int i = start; i < end; i++) {
        value = value * 10 + digits.get(text.charAt(i));
      }
      return value;
    }
    long total = 0;
    long section = 0;
    long digit = -1;
    long lastUnit = 0;
    long largest = 0;
    for (int i = start; i < end; i++) {
      char c = text.charAt(i);
      Integer d = digits.get(c);
      if (d != null) {
        if (digit >= 0 && digit != 0 && d != 0) {
          return null; // two digits in a row inside a numeral with units: 两三百, not one number
        }
        digit = d;
        continue;
      }
      long unit = units.get(c);
      if (unit >= 10_000) {
        if (digit < 0 && section == 0) {
          return null; // 万 with nothing before it
        }
        section += Math.max(digit, 0);
        // 一亿两千万: 万 scales its own section only, 亿 everything before it
        total = unit < largest ? total + section * unit : (total + section) * unit;
        largest = Math.max(largest, unit);
        section = 0;
      } else {
        if (digit == 0) {
          return null;
        }
        section += (digit < 0 ? 1 : digit) * unit; // 十五: a bare 十 is one ten
      }
      lastUnit = unit;
      digit = -1;
    }
    if (digit > 0) {
      boolean afterUnit = units.containsKey(text.charAt(end - 2));
      section += afterUnit && lastUnit >= 100 ? digit * lastUnit / 10 : digit;
    }
    return total + section;
  }

  private static String startsWithAny(String text, int at, List<String> words) {
    for (String word : words) {
      if (text.startsWith(word, at)) {
        return word;
      }
    }
    return null;
  }

  private static boolean endsWithAny(String text, int at, List<String> words) {
    for (String word : words) {
      if (at >= word.length() && text.startsWith(word, at - word.length())) {
        return true;
      }
    }
    return false;
  }

  /** The evasion table over the text: leftmost-longest, non-overlapping, Latin ends on word boundaries. */
  private String replaceEvasions(String text) {
    if (evasions.isEmpty() || text.isEmpty()) {
      return text;
    }
    List<AhoCorasick.Match<Evasion>> matches = new ArrayList<>(evasionAutomaton.search(text));
    if (matches.isEmpty()) {
      return text;
    }
    matches.sort(Comparator.<AhoCorasick.Match<Evasion>>comparingInt(AhoCorasick.Match::start)
        .thenComparing(Comparator.<AhoCorasick.Match<Evasion>>comparingInt(m -> m.end() - m.start()).reversed()));
    StringBuilder out = new StringBuilder(text.length() + 8);
    int copied = 0;
    for (AhoCorasick.Match<Evasion> match : matches) {
      Evasion evasion = match.payload();
      if (match.start() < copied || (!evasion.anywhere() && !onBoundaries(text, match.start(), match.end()))
          || (evasion.anywhere() && touchesDigit(text, match.start(), match.end()))) {
        continue;
      }
      if (text.startsWith(evasion.replacement(), match.start())) {
        // Already what it stands for (主页有微信), or a row that keeps an ordinary word as written (加威士忌): it
        // stays, and no shorter variant at the same place (加威) rewrites it.
        out.append(text, copied, match.end());
        copied = match.end();
        continue;
      }
      out.append(text, copied, match.start()).append(evasion.replacement());
      copied = match.end();
    }
    return out.append(text, copied, text.length()).toString();
  }

  /**
   * Whether a digit touches either end of {@code [start, end)}: an {@code anywhere} variant inside letters and digits
   * (TNB2024) is a code, not the word it would spell.
   */
  private static boolean touchesDigit(String text, int start, int end) {
    return (start > 0 && isDigit(text.charAt(start - 1))) || (end < text.length() && isDigit(text.charAt(end)));
  }

  private static boolean onBoundaries(String text, int start, int end) {
    boolean left = !isLatin(text.charAt(start)) || start == 0 || !isLatin(text.charAt(start - 1));
    boolean right = !isLatin(text.charAt(end - 1)) || end == text.length() || !isLatin(text.charAt(end));
    return left && right;
  }

  private List<Evasion> parseEvasions(String table, String source) {
    List<Evasion> rows = new ArrayList<>();
    String[] lines = table.split("\n");
    for (int n = 0; n < lines.length; n++) {
      String line = lines[n].strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      String[] fields = lines[n].strip().split("\t");
      boolean anywhere = fields.length == 3 && fields[2].strip().equals("anywhere");
      // 'keep': an ordinary word a shorter variant would eat, written on both sides (加威士忌); only such a row may
      // normalise to its own replacement, so a mistyped row still fails loudly.
      boolean keep = fields.length == 3 && fields[2].strip().equals("keep");
      if ((fields.length != 2 && !anywhere && !keep) || fields[0].isBlank() || fields[1].isBlank()) {
        throw new IllegalArgumentException("evasion table " + source + " line " + (n + 1)
            + ": expected 'variant<TAB>replacement' or 'variant<TAB>replacement<TAB>anywhere|keep'");
      }
      String variant = plain(fields[0].strip());
      String replacement = plain(fields[1].strip());
      if (variant.isEmpty() || (variant.equals(replacement) != keep)) {
        throw new IllegalArgumentException("evasion table " + source + " line " + (n + 1)
            + ": the variant normalises to nothing, or to its own replacement without 'keep' (or differs from it with)");
      }
      rows.add(new Evasion(variant, replacement, anywhere));
    }
    return List.copyOf(rows);
  }

  private static List<String> values(String[] fields, int count, String where) {
    if (fields.length != count) {
      throw new IllegalArgumentException(where + ": expected " + count + " tab-separated fields");
    }
    return Arrays.stream(fields[count - 1].split(",")).map(String::strip).filter(v -> !v.isEmpty()).toList();
  }

  /** A table value: the character itself, or {@code U+XXXX} for one that cannot be seen in the file. */
  private static char codePoint(String value, String where) {
    if (value.length() > 2 && (value.startsWith("U+") || value.startsWith("u+"))) {
      int cp = Integer.parseInt(value.substring(2), 16);
      if (cp > Character.MAX_VALUE) {
        throw new IllegalArgumentException(where + ": " + value + " is beyond the basic plane");
      }
      return (char) cp;
    }
    if (value.length() != 1) {
      throw new IllegalArgumentException(where + ": '" + value + "' is not one character nor U+XXXX");
    }
    return value.charAt(0);
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  private static boolean isLatin(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
  }

  private static boolean isLatinOrDigit(char c) {
    return isLatin(c) || isDigit(c);
  }

}
