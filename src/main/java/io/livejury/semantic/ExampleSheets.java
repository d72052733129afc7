package io.livejury.semantic;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.FileSystemNotFoundException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The example sheets, parsed: one file per category, {@code <category>.txt}, one example sentence a line, lines
 * starting with {@code #} are comments, blank lines are skipped; {@code allowed.txt} holds the legal look-alikes.
 * The shipped sheets are the resources under {@code detect/sheets/}; {@code LIVEJURY_SHEETS_PATH} names a folder
 * of the same shape instead.
 *
 * <p>Each line is normalised ({@link SheetText#normalise}). An example written twice in one sheet is kept once;
 * an example found in two sheets (two categories, or a category and the allowed sheet) contradicts itself and is
 * dropped from both. Both are named in {@link #problems()}, which the caller logs.
 *
 * @param sheets   sheet name (a category, or {@link #ALLOWED}) → its examples in file order, sorted by sheet name
 * @param problems duplicates and contradictions found, one line each, naming the files, lines and sentence
 */
public record ExampleSheets(Map<String, List<Example>> sheets, List<String> problems) {

  /** The sheet of legal look-alikes. */
  public static final String ALLOWED = "allowed";

  /**
   * The sheet of ordinary livestream talk (greetings, sizes, shipping, colours): optional; like the allowed sheet
   * it names no category, and it gives everyday sentences something nearer than any claim.
   */
  public static final String ORDINARY = "ordinary";

  /** True for the sheets that name no violation: {@link #ALLOWED} and {@link #ORDINARY}. */
  public static boolean quiet(String sheet) {
    return ALLOWED.equals(sheet) || ORDINARY.equals(sheet);
  }

  /** Where the shipped sheets are, on the class path. */
  public static final String RESOURCE_FOLDER = "detect/sheets";

  /**
   * A sheet line longer than this is refused as a parse error: an example is one spoken sentence, so a longer
   * line is a paragraph pasted by mistake, whose embedding would match everything a little.
   */
  static final int MAX_EXAMPLE_CHARS = 200;

  private static final Pattern SHEET_NAME = Pattern.compile("[a-z0-9_]+");

  /**
   * One example sentence.
   *
   * @param text   the normalised sentence
   * @param source {@code file:line} it came from, for the log
   */
  public record Example(String text, String source) {
  }

  /** A sheet folder that cannot be used; the message names the file and line. */
  public static final class SheetException extends Exception {
    SheetException(String message) {
      super(message);
    }
  }

  /** Reads every {@code *.txt} file of {@code folder}. */
  public static ExampleSheets fromFolder(Path folder) throws SheetException {
    if (!Files.isDirectory(folder)) {
      throw new SheetException(folder + " is not a folder");
    }
    Map<String, byte[]> files = new TreeMap<>();
    try (Stream<Path> list = Files.list(folder)) {
      for (Path file : list.filter(f -> f.getFileName().toString().endsWith(".txt")).toList()) {
        files.put(file.getFileName().toString(), Files.readAllBytes(file));
      }
    } catch (IOException e) {
      throw new SheetException("cannot read " + folder + ": " + e.getMessage());
    }
    return parse(files);
  }

  /** Reads the sheets shipped on the class path (a folder in development, a jar entry once packaged). */
  public static ExampleSheets fromResources() throws SheetException {
    URL marker = ExampleSheets.class.getClassLoader().getResource(RESOURCE_FOLDER + "/" + ALLOWED + ".txt");
    if (marker == null) {
      throw new SheetException(RESOURCE_FOLDER + "/" + ALLOWED + ".txt is not on the class path");
    }
    try {
      URI uri = marker.toURI();
      if ("jar".equals(uri.getScheme())) {
        FileSystem jar;
        try {
          jar = FileSystems.getFileSystem(uri);
        } catch (FileSystemNotFoundException e) {
          try {
            jar = FileSystems.newFileSystem(uri, Map.of());
          } catch (java.nio.file.FileSystemAlreadyExistsException raced) {
            jar = FileSystems.getFileSystem(uri);
          }
        }
        return fromFolder(jar.provider().getPath(uri).getParent());
      }
      return fromFolder(Path.of(uri).getParent());
    } catch (URISyntaxException | IOException e) {
      throw new SheetException("cannot list " + RESOURCE_FOLDER + ": " + e.getMessage());
    }
  }

  /**
   * Parses sheet files.
   *
   * @param files file name ({@code <sheet>.txt}) → raw bytes
   * @throws SheetException for a file that is not UTF-8, a sheet name other than lower-case letters, digits and
   *     {@code _}, a line over {@value #MAX_EXAMPLE_CHARS} characters, no {@code allowed.txt}, or no category
   */
  static ExampleSheets parse(Map<String, byte[]> files) throws SheetException {
    Map<String, List<Example>> raw = new TreeMap<>();
    for (Map.Entry<String, byte[]> file : new TreeMap<>(files).entrySet()) {
      String fileName = file.getKey();
      String sheet = fileName.substring(0, fileName.length() - ".txt".length());
      if (!SHEET_NAME.matcher(sheet).matches()) {
        throw new SheetException(fileName + ": a sheet's name is its category, in lower-case letters, digits and _");
      }
      String text = utf8(fileName, file.getValue());
      if (text.startsWith("\uFEFF")) {
        text = text.substring(1); // the byte-order mark some editors write
      }
      List<Example> examples = new ArrayList<>();
      String[] lines = text.split("\r?\n|\r", -1);
      for (int i = 0; i < lines.length; i++) {
        String line = lines[i].strip();
        if (line.isEmpty() || line.startsWith("#")) {
          continue;
        }
        if (line.length() > MAX_EXAMPLE_CHARS) {
          throw new SheetException(fileName + ":" + (i + 1) + ": longer than " + MAX_EXAMPLE_CHARS
              + " characters; one example sentence a line");
        }
        examples.add(new Example(SheetText.normalise(line), fileName + ":" + (i + 1)));
      }
      raw.put(sheet, examples);
    }
    if (!raw.containsKey(ALLOWED)) {
      throw new SheetException(ALLOWED + ".txt is missing: the allowed sheet is what keeps look-alikes quiet");
    }
    if (raw.keySet().stream().allMatch(ExampleSheets::quiet)) {
      throw new SheetException("no category sheet besides " + ALLOWED + ".txt");
    }
    return clean(raw);
  }

  /**
   * These sheets with {@code extra} examples added (sheet → examples, already normalised, each naming its source),
   * checked again like the files: a sentence the same sheet already holds is kept once, one that another sheet
   * holds is dropped from both; each is named in {@link #problems()} after the files' own problems.
   */
  public ExampleSheets plus(Map<String, List<Example>> extra) {
    if (extra.isEmpty()) {
      return this;
    }
    Map<String, List<Example>> raw = new TreeMap<>();
    sheets.forEach((sheet, examples) -> raw.put(sheet, new ArrayList<>(examples)));
    extra.forEach((sheet, examples) -> raw.computeIfAbsent(sheet, s -> new ArrayList<>()).addAll(examples));
    ExampleSheets merged = clean(raw);
    List<String> all = new ArrayList<>(problems);
    all.addAll(merged.problems());
    return new ExampleSheets(merged.sheets(), List.copyOf(all));
  }

  /** Drops repeats within a sheet and sentences that two sheets claim, naming each. */
  private static ExampleSheets clean(Map<String, List<Example>> raw) {
    List<String> problems = new ArrayList<>();
    Map<String, List<Example>> firstSeen = new LinkedHashMap<>(); // sentence → its first example in each sheet
    Map<String, List<Example>> unique = new TreeMap<>();
    raw.forEach((sheet, examples) -> {
      Map<String, Example> kept = new LinkedHashMap<>();
      for (Example example : examples) {
        Example earlier = kept.putIfAbsent(example.text(), example);
        if (earlier != null) {
          problems.add("Duplicate example in " + sheet + ".txt, kept once: \"" + example.text() + "\" ("
              + earlier.source() + " and " + example.source() + ")");
        } else {
          firstSeen.computeIfAbsent(example.text(), t -> new ArrayList<>()).add(example);
        }
      }
      unique.put(sheet, new ArrayList<>(kept.values()));
    });
    firstSeen.forEach((text, places) -> {
      if (places.size() > 1) {
        problems.add("Contradictory example dropped from every sheet: \"" + text + "\" is in "
            + String.join(" and ", places.stream().map(Example::source).toList()));
        unique.values().forEach(examples -> examples.removeIf(e -> e.text().equals(text)));
      }
    });
    Map<String, List<Example>> sheets = new TreeMap<>();
    unique.forEach((sheet, examples) -> sheets.put(sheet, List.copyOf(examples)));
    return new ExampleSheets(Collections.unmodifiableMap(sheets), List.copyOf(problems));
  }

  private static String utf8(String fileName, byte[] bytes) throws SheetException {
    try {
      return StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes))
          .toString();
    } catch (CharacterCodingException e) {
      throw new SheetException(fileName + ": not UTF-8 text (save it as UTF-8)");
    }
  }
}
