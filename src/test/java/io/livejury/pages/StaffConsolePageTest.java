package io.livejury.pages;

import io.livejury.support.Browser;
import io.livejury.support.EmbeddedServersExtension;
import io.livejury.support.Http;
import io.livejury.support.TestNode;
import io.livejury.support.TestSocket;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The staff console's verdict detail in a real browser, on the smallest verdict there is: one ballot, inconclusive.
 * The tally names the options by their labels, the confidence says plainly that too few ballots came to decide, the
 * status drop-down shows its choices whole, the re-review checkbox sits with its words, and the empty audit trail
 * says it is empty.
 */
@ExtendWith({EmbeddedServersExtension.class, VertxExtension.class})
class StaffConsolePageTest {

  private static final Path SHOTS = Path.of("target", "screenshots");

  private static WebElement waitFor(WebDriver driver, By by, Function<WebElement, Boolean> condition) {
    return new WebDriverWait(driver, Duration.ofSeconds(20)).ignoring(StaleElementReferenceException.class)
        .until(d -> d.findElements(by).stream().filter(condition::apply).findFirst().orElse(null));
  }

  private static WebElement waitForText(WebDriver driver, By by, String text) {
    return waitFor(driver, by, e -> e.getText().contains(text));
  }

  @Test
  void aOneBallotVerdictReadsPlainlyWithLabelsAndTidyControls(Vertx vertx, VertxTestContext tc) {
    TestNode node = TestNode.start();
    try (Browser browser = Browser.start()) {
      Http http = new Http(node.port());
      String run = Long.toString(System.nanoTime(), 36);
      String staff = http.token("staff-console-page", "staff");
      String roomId = http.createRoom(staff, "streamer-console-page-" + run);
      TestSocket voter = TestSocket.viewers(vertx, http, roomId, "console-voter-" + run + "-", 1).get(0);
      WebDriver viewer = browser.open("viewer",
          "http://localhost:" + node.port() + "/viewer.html?room=" + roomId + "&user=console-watcher-" + run);
      waitForText(viewer, By.id("status"), "connected");
      String promptId = http.openPrompt(staff, roomId, 2).getString("id");
      voter.ballot("b", promptId, "false");
      assertThat(voter.ack("b").getString("status")).isEqualTo("accepted");
      JsonObject verdict = http.awaitVerdict("v-" + promptId, staff, Duration.ofSeconds(30));
      assertThat(verdict.getString("outcome")).isEqualTo("INCONCLUSIVE");
      assertThat(verdict.getDouble("confidence")).isZero();
      assertThat(verdict.getLong("total")).isEqualTo(1);

      // The viewer who watched it close reads the same, not "confidence 0%".
      WebElement closed = waitFor(viewer, By.cssSelector(".verdict"), WebElement::isDisplayed);
      assertThat(closed.getText()).isEqualTo("结果 / Verdict: 无定论 / Inconclusive · 票数太少，无法判定：1 张有效票，未达法定票数 / "
          + "Too few ballots to decide: 1 decisive ballot, below the quorum · 1 票 / votes");

      WebDriver page = browser.open("staff", "http://localhost:" + node.port() + "/staff.html?user=staff-console-page");
      JavascriptExecutor js = (JavascriptExecutor) page;
      WebElement filters = waitFor(page, By.id("filters"), WebElement::isDisplayed);

      // The status drop-down is at least as wide as its longest choice needs: nothing of it is cut off.
      WebElement status = filters.findElement(By.name("status"));
      for (String value : new String[] {"pending", "appealed", "confirmed", "overturned", "none", ""}) {
        new Select(status).selectByValue(value);
        @SuppressWarnings("unchecked")
        Map<String, Number> widths = (Map<String, Number>) js.executeScript(
            "const s = arguments[0]; const c = s.cloneNode(true); c.value = s.value;"
            + "c.style.width = 'max-content'; c.style.minWidth = '0'; c.style.maxWidth = 'none';"
            + "c.style.position = 'absolute'; c.style.visibility = 'hidden';"
            + "document.body.append(c); const needed = c.getBoundingClientRect().width; c.remove();"
            + "return {shown: s.getBoundingClientRect().width, needed};", status);
        assertThat(widths.get("shown").doubleValue()).as("drop-down at '" + value + "' " + widths)
            .isGreaterThanOrEqualTo(widths.get("needed").doubleValue() - 0.5);
      }
      new Select(status).selectByValue("pending");
      filters.findElement(By.name("roomId")).sendKeys(roomId);
      filters.findElement(By.cssSelector("button[type=submit]")).click();
      new WebDriverWait(page, Duration.ofSeconds(20)).ignoring(StaleElementReferenceException.class).until(d -> {
        waitFor(d, By.cssSelector("#queue button"), e -> e.getText().contains("Inconclusive")).click();
        return true;
      });
      waitForText(page, By.cssSelector("#detail h3"), "治疗糖尿病");

      // The tally names the options as the prompt does, never by their ids.
      List<String> labels = waitFor(page, By.cssSelector("#detail .tally"), WebElement::isDisplayed)
          .findElements(By.cssSelector(".label")).stream().map(WebElement::getText).toList();
      assertThat(labels).containsExactly("属实", "不实", "不确定");
      assertThat(page.findElement(By.cssSelector("#detail .tally-row.option-false .count")).getText()).isEqualTo("1");

      // One ballot decides nothing, and the page says so instead of "0%".
      assertThat(page.findElement(By.cssSelector("#detail [data-field=confidence]")).getText()).isEqualTo(
          "票数太少，无法判定：1 张有效票，未达法定票数 / Too few ballots to decide: 1 decisive ballot, below the quorum");
      assertThat(page.findElement(By.cssSelector("#detail dl.facts")).getText()).doesNotContain("0%");

      // The re-review checkbox is inside its label, right before its words, and a click on the words ticks it.
      WebElement rereview = page.findElement(By.cssSelector("#detail input[name=rereview]"));
      WebElement label = rereview.findElement(By.xpath("./ancestor::label"));
      WebElement words = label.findElement(By.tagName("span"));
      assertThat(words.getText()).isEqualTo("再次复核（改变已做出的决定） / Re-review a decided verdict");
      @SuppressWarnings("unchecked")
      Map<String, Number> box = (Map<String, Number>) js.executeScript(
          "const i = arguments[0].getBoundingClientRect(), w = arguments[1].getBoundingClientRect();"
          + "return {width: i.width, gap: w.left - i.right, drift: Math.abs((i.top + i.bottom) / 2 - (w.top + w.bottom) / 2)};",
          rereview, words);
      assertThat(box.get("width").doubleValue()).as("checkbox " + box).isLessThanOrEqualTo(24);
      assertThat(box.get("gap").doubleValue()).as("checkbox to its words " + box).isBetween(0.0, 16.0);
      assertThat(box.get("drift").doubleValue()).as("on one line " + box).isLessThanOrEqualTo(6);
      words.click();
      assertThat(rereview.isSelected()).isTrue();

      // Nobody reviewed it yet: the audit trail says so under its heading.
      WebElement heading = page.findElement(By.xpath("//div[@id='detail']/h4[contains(., 'Audit trail')]"));
      WebElement trail = heading.findElement(By.xpath("following-sibling::ul[1]"));
      assertThat(trail.getText()).isEqualTo("还没有复核记录 / No review actions yet");
      browser.screenshot("staff", SHOTS.resolve("staff-one-ballot.png"));

      // Once staff act, the trail shows the action instead.
      page.findElement(By.cssSelector("#detail textarea")).sendKeys("Too few ballots: nothing to confirm");
      waitFor(page, By.tagName("button"), e -> e.getText().contains("确认") && e.isDisplayed()).click();
      waitForText(page, By.cssSelector("[data-review]"), "confirmed");
      WebElement done = page.findElement(By.xpath("//div[@id='detail']/h4[contains(., 'Audit trail')]/following-sibling::ul[1]"));
      assertThat(done.getText()).contains("confirm").doesNotContain("No review actions yet");
      assertThat(browser.violations("staff")).isEmpty();

    } finally {
      node.stop();
    }
    tc.completeNow();
  }
}
