package io.livejury.pages;

import io.livejury.support.Browser;
import io.livejury.support.EmbeddedServersExtension;
import io.livejury.support.Http;
import io.livejury.support.JuryPrompts;
import io.livejury.support.JuryPrompts.Ballot;
import io.livejury.support.TestNode;
import io.vertx.core.Vertx;
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
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The staff console shows a verdict's jury in a real browser: eligible and counted jurors, exclusions by reason,
 * weighted counts, the coordination flags with their numbers, a calibration prompt's answer, and a juror's
 * reputation on request. The verdicts come from jury prompts left in Redis as the ballot path leaves them.
 */
@ExtendWith({EmbeddedServersExtension.class, VertxExtension.class})
class StaffJuryPageTest {

  private static final Path SHOTS = Path.of("target", "screenshots");

  private static WebElement waitFor(WebDriver driver, By by, Function<WebElement, Boolean> condition) {
    return new WebDriverWait(driver, Duration.ofSeconds(20)).ignoring(StaleElementReferenceException.class)
        .until(d -> d.findElements(by).stream().filter(condition::apply).findFirst().orElse(null));
  }

  private static WebElement waitForText(WebDriver driver, By by, String text) {
    return waitFor(driver, by, e -> e.getText().contains(text));
  }

  @Test
  void theVerdictDetailShowsTheJuryAndItsFlags(Vertx vertx, VertxTestContext tc) {
    TestNode node = TestNode.start();
    JuryPrompts prompts = new JuryPrompts(vertx);
    try (Browser browser = Browser.start()) {
      Http http = new Http(node.port());
      String staffToken = http.token("staff-jury-page", "staff");
      String streamer = "streamer-jury-page-" + System.nanoTime();
      String roomId = http.createRoom(staffToken, streamer);
      long t0 = System.currentTimeMillis() - 45_000;
      List<Ballot> flagged = new ArrayList<>();
      for (int i = 0; i < 50; i++) {
        flagged.add(i % 5 == 4 ? Ballot.of("page-voter-" + i, "true", t0 + i * 800L)
            : new Ballot("page-voter-" + i, "false", t0 + i * 800L, "0123456789ab", "1"));
      }
      String flaggedId = prompts.due(roomId, streamer, flagged, 60, Map.of("late_join", 40L), null);
      http.awaitVerdict("v-" + flaggedId, staffToken, Duration.ofSeconds(30));
      List<Ballot> calibration = new ArrayList<>();
      for (int i = 0; i < 45; i++) {
        calibration.add(Ballot.of("page-calib-" + i, i < 40 ? "false" : "true", t0 + i * 900L));
      }
      String calibrationId = prompts.due(roomId, streamer, calibration, 45, Map.of(), Map.of("answer", "false"));
      http.awaitVerdict("v-" + calibrationId, staffToken, Duration.ofSeconds(30));

      WebDriver staff = browser.open("staff", "http://localhost:" + node.port() + "/staff.html?user=staff-jury-page");
      WebElement filters = waitFor(staff, By.id("filters"), WebElement::isDisplayed);
      new Select(filters.findElement(By.name("status"))).selectByValue("");
      filters.findElement(By.name("roomId")).sendKeys(roomId);
      filters.findElement(By.cssSelector("button[type=submit]")).click();

      // The queue re-renders once the filter's page arrives: click again if the button was replaced under us.
      new WebDriverWait(staff, Duration.ofSeconds(20)).ignoring(StaleElementReferenceException.class).until(d -> {
        waitFor(d, By.cssSelector("#queue button"), e -> e.getText().contains("flagged")).click();
        return true;
      });
      WebElement jury = waitFor(staff, By.cssSelector("#detail .jury"), WebElement::isDisplayed);
      // Weighted ballots under the options' labels, as the tally shows them, not their ids.
      assertThat(jury.getText()).contains("Eligible", "60", "Voted", "50", "joined late 40", "不实 40", "属实 10",
          "不确定 0");
      WebElement flag = jury.findElement(By.cssSelector("li[data-flag=shared_network]"));
      assertThat(flag.getText()).contains("Shared network", "0123456789ab", "40", "100%");
      browser.screenshot("staff", SHOTS.resolve("staff-jury.png"));

      waitFor(staff, By.cssSelector("#queue button"), e -> e.getText().contains("calibration")).click();
      waitForText(staff, By.cssSelector("#detail .jury"), "calibration: answer false");
      assertThat(staff.findElement(By.cssSelector("#detail .jury")).getText()).contains("No coordination flags");

      WebElement lookup = staff.findElement(By.id("juror"));
      lookup.findElement(By.name("userId")).sendKeys("page-calib-0");
      lookup.findElement(By.cssSelector("button[type=submit]")).click();
      // One right calibration answer on the Beta(3, 1) prior: 4/5.
      waitForText(staff, By.id("juror-record"), "80%");
      assertThat(staff.findElement(By.id("juror-record")).getText()).contains("1 / 1", "1.262");
      assertThat(browser.violations("staff")).isEmpty();
    } finally {
      prompts.close();
      node.stop();
    }
    tc.completeNow();
  }
}
