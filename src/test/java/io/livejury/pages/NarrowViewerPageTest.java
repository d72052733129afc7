package io.livejury.pages;

import io.livejury.support.Browser;
import io.livejury.support.EmbeddedServersExtension;
import io.livejury.support.Http;
import io.livejury.support.TestNode;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The viewer page on a phone-sized window: a question, a claim and option labels made of one long unbroken word or URL
 * wrap inside the screen, the page never scrolls sideways, and every vote button is on screen and takes a tap.
 */
@ExtendWith({EmbeddedServersExtension.class, VertxExtension.class})
class NarrowViewerPageTest {

  private static final Path SHOTS = Path.of("target", "screenshots");
  private static final int WIDTH = 420;

  private static WebElement waitFor(WebDriver driver, By by, Function<WebElement, Boolean> condition) {
    return new WebDriverWait(driver, Duration.ofSeconds(20)).ignoring(StaleElementReferenceException.class)
        .until(d -> d.findElements(by).stream().filter(condition::apply).findFirst().orElse(null));
  }

  @Test
  void longWordsWrapAndEveryVoteButtonStaysOnScreenAt420Pixels(VertxTestContext tc) {
    TestNode node = TestNode.start();
    try (Browser browser = Browser.start()) {
      Http http = new Http(node.port());
      String run = Long.toString(System.nanoTime(), 36);
      String staff = http.token("staff-narrow", "staff");
      String roomId = http.createRoom(staff, "streamer-narrow-" + run);
      WebDriver page = browser.open("viewer",
          "http://localhost:" + node.port() + "/viewer.html?room=" + roomId + "&user=narrow-" + run);
      page.manage().window().setSize(new Dimension(WIDTH, 900));
      waitFor(page, By.id("status"), e -> e.getText().contains("connected"));
      JavascriptExecutor js = (JavascriptExecutor) page;
      assertThat(((Number) js.executeScript("return window.innerWidth")).intValue()).as("window width").isEqualTo(WIDTH);

      String word = "a".repeat(300);
      String url = "https://example.com/" + "0123456789abcdef/".repeat(10) + "x".repeat(10);
      assertThat(url).hasSize(200);
      String longLabel = "b".repeat(60);
      String urlLabel = "https://example.com/" + "c".repeat(40);
      assertThat(urlLabel).hasSize(60);
      // One prompt asks a 300-letter word with option labels of 60 unbroken characters, one a 200-character URL.
      assertThat(http.post("/api/rooms/" + roomId + "/prompts", staff, new JsonObject().put("kind", "claim")
          .put("question", word).put("durationSec", 120).put("options", new JsonArray()
              .add(new JsonObject().put("id", "true").put("label", longLabel))
              .add(new JsonObject().put("id", "false").put("label", urlLabel))
              .add(new JsonObject().put("id", "unsure").put("label", "不确定")))).status()).isEqualTo(201);
      assertThat(http.post("/api/rooms/" + roomId + "/prompts", staff, new JsonObject().put("kind", "claim")
          .put("question", url).put("claim", url).put("durationSec", 120)).status()).isEqualTo(201);
      waitFor(page, By.cssSelector("article.prompt h2"), e -> e.getText().contains("aaaa"));
      waitFor(page, By.cssSelector("article.prompt h2"), e -> e.getText().contains("example.com"));
      browser.screenshot("viewer", SHOTS.resolve("viewer-narrow.png"));

      @SuppressWarnings("unchecked")
      Map<String, Number> widths = (Map<String, Number>) js.executeScript("return {"
          + "document: document.documentElement.scrollWidth, body: document.body.scrollWidth,"
          + "window: window.innerWidth, view: document.documentElement.clientWidth};");
      assertThat(widths.get("document").intValue()).as("page width " + widths).isLessThanOrEqualTo(WIDTH);
      assertThat(widths.get("body").intValue()).as("page width " + widths).isLessThanOrEqualTo(WIDTH);

      List<WebElement> buttons = page.findElements(By.cssSelector(".options button"));
      assertThat(buttons).hasSize(6);
      for (WebElement button : buttons) {
        // Scrolled to vertically only: a button the page can reach only sideways is off screen.
        @SuppressWarnings("unchecked")
        Map<String, Object> seen = (Map<String, Object>) js.executeScript(
            "const b = arguments[0]; b.scrollIntoView({block: 'center', inline: 'nearest'}); window.scrollTo(0, window.scrollY);"
            + "const r = b.getBoundingClientRect();"
            + "const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);"
            + "return {left: r.left, right: r.right, top: r.top, bottom: r.bottom, scrollX: window.scrollX,"
            + " view: document.documentElement.clientWidth, height: window.innerHeight,"
            + " onTop: !!hit && hit.closest('button') === b};", button);
        String what = "button " + button.getText() + " " + seen;
        assertThat(((Number) seen.get("scrollX")).doubleValue()).as(what).isZero();
        assertThat(((Number) seen.get("left")).doubleValue()).as(what).isGreaterThanOrEqualTo(0);
        assertThat(((Number) seen.get("right")).doubleValue()).as(what)
            .isLessThanOrEqualTo(((Number) seen.get("view")).doubleValue());
        assertThat(((Number) seen.get("top")).doubleValue()).as(what).isGreaterThanOrEqualTo(0);
        assertThat(((Number) seen.get("bottom")).doubleValue()).as(what)
            .isLessThanOrEqualTo(((Number) seen.get("height")).doubleValue());
        assertThat(seen.get("onTop")).as(what + ": nothing covers it").isEqualTo(true);
      }

      // A tap on the longest label counts the vote.
      WebElement longest = waitFor(page, By.cssSelector(".options button"), e -> e.getText().contains("bbbb"));
      longest.click();
      waitFor(page, By.cssSelector(".voted"), e -> e.getText().contains("You voted " + longLabel));
      assertThat(((Number) js.executeScript("return document.documentElement.scrollWidth")).intValue())
          .as("page width after voting").isLessThanOrEqualTo(WIDTH);
      assertThat(browser.violations("viewer")).isEmpty();
    } finally {
      node.stop();
    }
    tc.completeNow();
  }
}
