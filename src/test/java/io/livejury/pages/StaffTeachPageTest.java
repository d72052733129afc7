package io.livejury.pages;

import io.livejury.support.Browser;
import io.livejury.support.EmbeddedServersExtension;
import io.livejury.support.Http;
import io.livejury.support.PgProbe;
import io.livejury.support.RedisProbe;
import io.livejury.support.TestLexicon;
import io.livejury.support.TestNode;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.nio.file.Path;
import java.util.Map;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Staff teach the detector from the console in a real browser: confirm a false claim and teach it as an example of
 * its category, mark a live warning wrong so its sentence is allowed, undo, and watch the detector panel's
 * per-category report follow each step.
 */
@ExtendWith({EmbeddedServersExtension.class, VertxExtension.class})
class StaffTeachPageTest {

  private static final Path SHOTS = Path.of("target", "screenshots");
  private static final String STAFF = "teach-page-staff";

  private static WebElement waitFor(WebDriver driver, By by, Function<WebElement, Boolean> condition) {
    return new WebDriverWait(driver, Duration.ofSeconds(20)).ignoring(StaleElementReferenceException.class)
        .until(d -> d.findElements(by).stream().filter(condition::apply).findFirst().orElse(null));
  }

  private static WebElement waitForText(WebDriver driver, By by, String text) {
    return waitFor(driver, by, e -> e.getText().contains(text));
  }

  /** Clicks the first match, again if a list re-rendered under it between finding and clicking. */
  private static void click(WebDriver driver, By by, Function<WebElement, Boolean> condition) {
    new WebDriverWait(driver, Duration.ofSeconds(20)).ignoring(StaleElementReferenceException.class).until(d -> {
      d.findElements(by).stream().filter(condition::apply).findFirst().orElseThrow(
          () -> new StaleElementReferenceException("not there yet")).click();
      return true;
    });
  }

  private static By cell(String sheet, String field) {
    return By.cssSelector("#detector-report tr[data-sheet=" + sheet + "] td[data-field=" + field + "]");
  }

  private static int number(WebDriver driver, String sheet, String field) {
    return Integer.parseInt(waitFor(driver, cell(sheet, field), WebElement::isDisplayed).getText().trim());
  }

  private static void awaitNumber(WebDriver driver, String sheet, String field, int value) {
    waitFor(driver, cell(sheet, field), e -> e.getText().trim().equals(String.valueOf(value)));
  }

  @Test
  void staffTeachAClaimAndAllowAWarningAndTheReportFollows(Vertx vertx, VertxTestContext tc) {
    // A rule of the test's own raises the warning staff mark wrong, whatever the shipped rules make of it.
    TestNode node = TestNode.start(Map.of("LIVEJURY_LEXICON_PATH",
        TestLexicon.withRules("page.sample | extreme_words | warn | 示例绝对词 | | | sample").toString()));
    RedisProbe redis = new RedisProbe(vertx);
    PgProbe pg = new PgProbe(vertx);
    try (Browser browser = Browser.start()) {
      Http http = new Http(node.port());
      String staffToken = http.token(STAFF, "staff");
      String claim = "这款桑叶茶喝完血糖直接降下来，页面教学";
      String promptId = "p-teach-page-" + System.nanoTime();
      String roomOfVerdict = "room-teach-page-" + System.nanoTime();
      redis.appendVerdict(new JsonObject().put("id", "v-" + promptId).put("promptId", promptId)
          .put("roomId", roomOfVerdict).put("streamerId", "teach-page-streamer").put("merchantId", "m-teach-page")
          .put("kind", "claim").put("question", "主播说“" + claim + "”，属实吗？").put("claim", claim)
          .put("outcome", "FALSE_CLAIM").put("counts", new JsonObject().put("true", 4).put("false", 40).put("unsure", 1))
          .put("total", 45).put("confidence", 0.92).put("decidedAt", Instant.now().toString())
          .put("reviewStatus", "pending").put("trigger", new JsonObject().put("type", "lexicon")
              .put("ruleId", "medical.food").put("text", claim).put("matched", new JsonArray().add("降血糖"))));
      http.awaitVerdict("v-" + promptId, staffToken, Duration.ofSeconds(15));

      WebDriver staff = browser.open("staff", "http://localhost:" + node.port() + "/staff.html?user=" + STAFF);
      int examples = number(staff, "medical_claim", "examples");
      int taught = number(staff, "medical_claim", "taught");
      assertThat(staff.findElement(By.id("detector-state")).getText()).contains("sentence model");

      WebElement filters = waitFor(staff, By.id("filters"), WebElement::isDisplayed);
      new Select(filters.findElement(By.name("status"))).selectByValue("");
      filters.findElement(By.name("roomId")).sendKeys(roomOfVerdict);
      filters.findElement(By.cssSelector("button[type=submit]")).click();
      click(staff, By.cssSelector("#queue button"), e -> e.getText().contains(claim));
      waitForText(staff, By.id("detail"), "Once confirmed, this claim can teach the detector");

      WebElement detail = staff.findElement(By.id("detail"));
      detail.findElement(By.name("reason")).sendKeys("茶不能降血糖 / tea does not lower blood sugar");
      click(staff, By.cssSelector("#detail button"), e -> e.getText().contains("Confirm"));
      WebElement teach = waitFor(staff, By.cssSelector("#detail button[data-action=teach]"), WebElement::isDisplayed);
      // The category of the rule that heard it is offered first, in words.
      assertThat(teach.getText()).contains("Teach: add this claim as an example of medical_claim");
      assertThat(new Select(staff.findElement(By.cssSelector("#detail .teach select"))).getFirstSelectedOption().getText())
          .contains("medical claim");
      teach.click();
      waitForText(staff, By.cssSelector("#detail .teach"), "Added: “" + claim + "”");
      awaitNumber(staff, "medical_claim", "taught", taught + 1);
      awaitNumber(staff, "medical_claim", "examples", examples + 1);
      waitForText(staff, By.id("taught"), claim);
      browser.screenshot("staff", SHOTS.resolve("staff-teach.png"));

      // A warning in a live room, marked wrong: its sentence joins the allowed sheet.
      int allowed = number(staff, "allowed", "taught");
      String roomId = http.createRoom(staffToken, "teach-page-streamer-live");
      WebElement live = staff.findElement(By.id("live"));
      live.findElement(By.name("roomId")).sendKeys(roomId);
      live.findElement(By.cssSelector("button[type=submit]")).click();
      waitForText(staff, By.id("live-status"), "Connected");
      String said = "这是示例绝对词，页面教学";
      Http.Reply posted = http.post("/api/rooms/" + roomId + "/transcript", staffToken, new JsonObject().put("segments",
          new JsonArray().add(new JsonObject().put("id", "teach-page-seg").put("startMs", 0).put("endMs", 800).put("text", said))));
      assertThat(posted.status()).isEqualTo(202);
      WebElement warning = waitForText(staff, By.cssSelector("#live-warnings li[data-warning]"), said);
      warning.findElement(By.cssSelector("button[data-action=allow]")).click();
      waitForText(staff, By.id("live-warnings"), "Added to the allowed sentences");
      awaitNumber(staff, "allowed", "taught", allowed + 1);
      browser.screenshot("staff", SHOTS.resolve("staff-teach-warning.png"));

      // Undo the taught claim: the report goes back.
      waitFor(staff, By.cssSelector("#taught li[data-example]"), e -> e.getText().contains(claim))
          .findElement(By.cssSelector("button[data-action=undo]")).click();
      awaitNumber(staff, "medical_claim", "taught", taught);
      awaitNumber(staff, "medical_claim", "examples", examples);
      assertThat(browser.violations("staff")).isEmpty();
    } finally {
      pg.execute("DELETE FROM taught_examples WHERE taught_by = $1", STAFF);
      pg.close();
      redis.close();
      node.stop();
    }
    tc.completeNow();
  }
}
