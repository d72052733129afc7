package io.livejury.pages;

import io.livejury.common.RedisKeys;
import io.livejury.support.Browser;
import io.livejury.support.EmbeddedServersExtension;
import io.livejury.support.Http;
import io.livejury.support.RedisProbe;
import io.livejury.support.TcpProxy;
import io.livejury.support.TestNode;
import io.livejury.support.TestSocket;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
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
 * The three pages in a real browser, speaking only the public contract: staff ask the audience from the
 * console, two viewers vote and watch the tally and the verdict, the streamer sees a warning from a
 * transcript line and the penalty, and staff confirm the verdict. The node lowers the verdict rule's
 * quorum and bar so two viewers can condemn a claim; everything else is the default configuration.
 */
@ExtendWith({EmbeddedServersExtension.class, VertxExtension.class})
class PagesTest {

  private static final Path SHOTS = Path.of("target", "screenshots");

  private static WebElement waitFor(WebDriver driver, By by, Function<WebElement, Boolean> condition) {
    // Pages re-render as frames arrive, so an element found a moment ago may be gone: look again.
    return new WebDriverWait(driver, Duration.ofSeconds(20)).ignoring(StaleElementReferenceException.class)
        .until(d -> d.findElements(by).stream()
        .filter(e -> condition.apply(e)).findFirst().orElse(null));
  }

  private static WebElement waitForText(WebDriver driver, By by, String text) {
    return waitFor(driver, by, e -> e.getText().contains(text));
  }

  private static WebElement button(WebDriver driver, String label) {
    return waitFor(driver, By.tagName("button"), e -> e.getText().contains(label) && e.isDisplayed());
  }

  @Test
  void theWholeLoopInABrowser(VertxTestContext tc) {
    TestNode node = TestNode.start(Map.of("LIVEJURY_VERDICT_QUORUM", "2", "LIVEJURY_VERDICT_CONDEMN_LOWER", "0.3"));
    try (Browser browser = Browser.start()) {
      Http http = new Http(node.port());
      String base = "http://localhost:" + node.port();
      String run = Long.toString(System.nanoTime(), 36);
      String streamerId = "streamer-e2e-" + run;
      String roomId = http.createRoom(http.token("staff-seed", "staff"), streamerId);

      WebDriver streamer = browser.open("streamer",
          base + "/streamer.html?room=" + roomId + "&user=" + streamerId + "&merchant=m-" + streamerId);
      waitForText(streamer, By.id("status"), "connected");
      for (String viewer : new String[] {"viewer1", "viewer2"}) {
        WebDriver page = browser.open(viewer, base + "/viewer.html?room=" + roomId + "&user=" + viewer + "-" + run);
        waitForText(page, By.id("status"), "connected");
      }

      streamer = browser.in("streamer");
      streamer.findElement(By.name("text")).sendKeys("这款面膜全网最低价，原价299");
      button(streamer, "发送").click();
      WebElement warning = waitFor(streamer, By.cssSelector("#warnings li.warn"), e -> true);
      assertThat(warning.findElement(By.tagName("mark")).getText()).isEqualTo("全网最低");

      WebDriver staff = browser.open("staff", base + "/staff.html?user=staff-e2e");
      WebElement ask = waitFor(staff, By.id("ask"), WebElement::isDisplayed);
      ask.findElement(By.name("roomId")).sendKeys(roomId);
      ask.findElement(By.name("question")).sendKeys("主播说这款茶能治疗糖尿病，属实吗？");
      ask.findElement(By.name("claim")).sendKeys("这款茶能治疗糖尿病");
      WebElement duration = ask.findElement(By.name("durationSec"));
      duration.clear();
      duration.sendKeys("6");
      button(staff, "发起").click();
      waitForText(staff, By.id("ask-result"), "Asked");

      for (String viewer : new String[] {"viewer1", "viewer2"}) {
        WebDriver page = browser.in(viewer);
        waitForText(page, By.cssSelector("article.prompt h2"), "治疗糖尿病");
        button(page, "不实").click();
        waitForText(page, By.cssSelector(".voted"), "不实");
      }
      for (String viewer : new String[] {"viewer1", "viewer2"}) {
        WebDriver page = browser.in(viewer);
        waitForText(page, By.cssSelector(".tally .total"), "2 votes");
        waitForText(page, By.cssSelector(".verdict"), "False claim");
      }
      browser.screenshot("viewer1", SHOTS.resolve("viewer.png"));

      streamer = browser.in("streamer");
      waitForText(streamer, By.cssSelector("#penalties li"), "WARNING");
      waitForText(streamer, By.cssSelector("#prompts .verdict"), "False claim");
      browser.screenshot("streamer", SHOTS.resolve("streamer.png"));

      staff = browser.in("staff");
      WebElement filters = staff.findElement(By.id("filters"));
      filters.findElement(By.name("roomId")).sendKeys(roomId);
      button(staff, "查询").click();
      waitFor(staff, By.cssSelector("#queue button"), e -> e.getText().contains("False claim")).click();
      waitForText(staff, By.cssSelector("#detail h3"), "治疗糖尿病");
      // The two "false" ballots, drawn second by second under the tally.
      waitFor(staff, By.cssSelector("#detail .curve"), e -> !e.findElements(By.cssSelector(".seg.option-false")).isEmpty()
          && e.findElements(By.cssSelector(".seg.option-true")).isEmpty());
      staff.findElement(By.cssSelector("#detail textarea")).sendKeys("录像确认主播宣称茶能治病");
      button(staff, "确认").click();
      waitForText(staff, By.cssSelector("[data-review]"), "confirmed");
      waitForText(staff, By.cssSelector("#detail .feed li"), "confirm");
      browser.screenshot("staff", SHOTS.resolve("staff.png"));
      // The drawn curve has height: its columns are sized through the CSSOM, which the policy allows.
      assertThat(staff.findElement(By.cssSelector("#detail .curve .seg")).getSize().getHeight()).isPositive();
      for (String tab : new String[] {"streamer", "viewer1", "viewer2", "staff"}) {
        assertThat(browser.violations(tab)).as(tab).isEmpty();
      }
    } finally {
      node.stop();
    }
    tc.completeNow();
  }

  @Test
  void aDeviceClockFarOffCountsDownByTheServerAndAReloadShowsTheVotesCast(Vertx vertx, VertxTestContext tc) {
    TestNode node = TestNode.start();
    try (Browser browser = Browser.start()) {
      Http http = new Http(node.port());
      String run = Long.toString(System.nanoTime(), 36);
      String staff = http.token("staff-clock", "staff");
      String roomId = http.createRoom(staff, "streamer-clock-" + run);
      List<TestSocket> voters = TestSocket.viewers(vertx, http, roomId, "clock-voter-" + run + "-", 2);
      String promptId = http.openPrompt(staff, roomId, 60).getString("id");
      voters.get(0).ballot("b", promptId, "false");
      voters.get(1).ballot("b", promptId, "true");
      voters.forEach(voter -> assertThat(voter.ack("b").getString("status")).isEqualTo("accepted"));
      // Once the node has told the room's sockets of both votes, a newcomer gets no tally until the count
      // moves again: the page's "2 votes" can only come from its welcome.
      voters.get(0).await(f -> "tally".equals(f.getString("type")) && f.getLong("total") == 2);

      for (long skew : new long[] {40_000, -40_000}) {
        String tab = "device clock " + (skew > 0 ? "fast" : "slow");
        WebDriver page = browser.open(tab,
            "http://localhost:" + node.port() + "/viewer.html?room=" + roomId + "&user=clock-viewer-" + skew, skew);
        waitForText(page, By.cssSelector(".tally .total"), "2 votes");
        String countdown = waitFor(page, By.cssSelector(".countdown"), e -> e.getText().contains("s left")).getText();
        int left = Integer.parseInt(countdown.replaceAll(".*/ (\\d+)s left.*", "$1"));
        // Off by 40 s it would read about 15 (fast) or 95 (slow).
        assertThat(left).as(tab + ": " + countdown).isBetween(35, 60);
        assertThat(browser.violations(tab)).as(tab).isEmpty();
      }
    } finally {
      node.stopAfter(vertx);
    }
    tc.completeNow();
  }

  @Test
  void theViewerPageSaysWhenTheServiceIsDegraded(Vertx vertx, VertxTestContext tc) {
    // The node waits three seconds before replacing its subscriber, so the page has time to show it.
    TestNode node = TestNode.start(Map.of("LIVEJURY_SUBSCRIBER_RECONNECT_MS", "3000"));
    RedisProbe redis = new RedisProbe(vertx);
    try (Browser browser = Browser.start()) {
      Http http = new Http(node.port());
      String roomId = http.createRoom(http.token("staff-seed", "staff"), "streamer-degraded");
      WebDriver page = browser.open("viewer",
          "http://localhost:" + node.port() + "/viewer.html?room=" + roomId + "&user=degraded-viewer");
      waitForText(page, By.id("status"), "connected");
      assertThat(redis.killSubscriberConnections()).isEqualTo(1);
      waitForText(page, By.id("status"), "Service degraded: Live updates are delayed");
      waitForText(page, By.id("status"), "connected");
    } finally {
      redis.close();
      node.stop();
    }
    tc.completeNow();
  }

  /**
   * A prompt lost while the page was disconnected does not stay live: the page's new welcome leaves it out, and its
   * card stops counting down, takes its buttons away and says the vote is no longer open.
   */
  @Test
  void aPromptLostWhileThePageWasAwayIsClosedOnItsCard(Vertx vertx, VertxTestContext tc) {
    TestNode node = TestNode.start();
    RedisProbe redis = new RedisProbe(vertx);
    // The page reaches the node through a relay, which drops its socket as a flaky network would.
    TcpProxy relay = new TcpProxy(vertx, "127.0.0.1", node.port());
    relay.up();
    try (Browser browser = Browser.start()) {
      Http http = new Http(node.port());
      String run = Long.toString(System.nanoTime(), 36);
      String staff = http.token("staff-lost-page", "staff");
      String roomId = http.createRoom(staff, "streamer-lost-page-" + run);
      WebDriver page = browser.open("viewer",
          "http://localhost:" + relay.port() + "/viewer.html?room=" + roomId + "&user=lost-page-" + run);
      waitForText(page, By.id("status"), "connected");
      String promptId = http.openPrompt(staff, roomId, 60).getString("id");
      button(page, "不实");

      relay.down();
      redis.delete(RedisKeys.prompt(promptId), RedisKeys.counts(promptId), RedisKeys.voters(promptId),
          RedisKeys.curve(promptId));
      relay.up();

      waitForText(page, By.cssSelector(".verdict.closed"), "This vote is no longer open");
      assertThat(page.findElements(By.cssSelector(".options button")).stream().noneMatch(WebElement::isEnabled))
          .as("no live vote buttons").isTrue();
      assertThat(page.findElement(By.cssSelector(".countdown")).getText()).contains("Voting closed");
      assertThat(browser.violations("viewer")).isEmpty();
    } finally {
      relay.down();
      redis.close();
      node.stopAfter(vertx);
    }
    tc.completeNow();
  }

  /**
   * A link that cannot work says so and offers nothing dead: an unknown room and a token the server refuses each put
   * the refusal in words, the status stops saying "connecting…" (and does not go back to it), and the report form,
   * the vote buttons and the "stay tuned" line are gone; a refused token brings the sign-in form back.
   */
  @Test
  void pagesSayWhatWentWrongInPlainWords(VertxTestContext tc) throws InterruptedException {
    TestNode node = TestNode.start();
    try (Browser browser = Browser.start()) {
      Http http = new Http(node.port());
      String base = "http://localhost:" + node.port();
      String roomId = http.createRoom(http.token("staff-refused", "staff"), "streamer-refused");
      WebDriver page = browser.open("lost", base + "/viewer.html?room=no-such-room&user=lost-viewer");
      waitForText(page, By.id("error"), "没有这个直播间 / No such room: no-such-room");
      WebDriver expired = browser.open("expired", base + "/viewer.html?room=" + roomId + "#token=not.a.token");
      waitForText(expired, By.id("error"), "此链接无效，请重新登录 / This link is not valid: sign in again");
      // Long enough for a page that retries to have shown "connecting…" again.
      Thread.sleep(3000);
      for (String tab : new String[] {"lost", "expired"}) {
        WebDriver refused = browser.in(tab);
        assertThat(refused.findElement(By.id("status")).getText()).as(tab).isEqualTo("无法进入直播间 / Cannot join this room");
        assertThat(refused.findElement(By.id("report")).isDisplayed()).as(tab + ": report form").isFalse();
        assertThat(refused.findElement(By.id("idle")).isDisplayed()).as(tab + ": stay tuned").isFalse();
        assertThat(refused.findElements(By.cssSelector("button[data-option]")).stream()
            .noneMatch(b -> b.isDisplayed() && b.isEnabled())).as(tab + ": vote buttons").isTrue();
        assertThat(browser.violations(tab)).as(tab).isEmpty();
      }
      assertThat(browser.in("lost").findElement(By.id("signin")).isDisplayed()).as("sign-in for a good token").isFalse();
      assertThat(browser.in("expired").findElement(By.id("error")).getText())
          .isEqualTo("此链接无效，请重新登录 / This link is not valid: sign in again (the token is invalid or expired)");
      // The console reader sees failed loads (the room asked for with the refused token), as the icon test relies on.
      assertThat(browser.console("expired")).anyMatch(line -> line.contains("401"));
      WebElement signIn = browser.in("expired").findElement(By.id("signin"));
      assertThat(signIn.isDisplayed()).as("sign-in form for a refused token").isTrue();
      // Signing in again with a good token opens the room.
      signIn.findElement(By.name("token")).sendKeys(http.token("viewer-again", "viewer"));
      signIn.findElement(By.cssSelector("button[type=submit]")).click();
      waitForText(browser.in("expired"), By.id("status"), "connected");
      assertThat(browser.in("expired").findElement(By.id("report")).isDisplayed()).isTrue();

      // The live risk queue with a refused token stops reconnecting and says why.
      WebDriver queue = browser.open("queue", base + "/queue.html#token=not.a.token");
      waitForText(queue, By.id("error"), "sign-in expired or is invalid");
      Thread.sleep(2000);
      assertThat(queue.findElement(By.id("status")).getText()).isEqualTo("未连接 / not connected");
    } finally {
      node.stop();
    }
    tc.completeNow();
  }

  /**
   * Every page names its icon, the server has it (and /favicon.ico for clients that ask for that), and the browser
   * logs no file missing for any page.
   */
  @Test
  void everyPageHasItsIconAndNoFileIsMissing(VertxTestContext tc) throws InterruptedException {
    TestNode node = TestNode.start();
    try (Browser browser = Browser.start()) {
      Http http = new Http(node.port());
      String base = "http://localhost:" + node.port();
      String run = Long.toString(System.nanoTime(), 36);
      String streamerId = "streamer-icon-" + run;
      String roomId = http.createRoom(http.token("staff-icon", "staff"), streamerId);
      Map<String, String> pages = new java.util.LinkedHashMap<>();
      pages.put("index", "/");
      pages.put("viewer", "/viewer.html?room=" + roomId + "&user=icon-viewer-" + run);
      pages.put("streamer", "/streamer.html?room=" + roomId + "&user=" + streamerId + "&merchant=m-" + streamerId);
      pages.put("staff", "/staff.html?user=staff-icon");
      pages.put("queue", "/queue.html?user=staff-icon");
      pages.forEach((tab, path) -> browser.open(tab, base + path));
      // Time for each tab to ask for its icon, which a browser does once the page has loaded.
      Thread.sleep(2000);
      for (String tab : pages.keySet()) {
        WebDriver page = browser.in(tab);
        new WebDriverWait(page, Duration.ofSeconds(20)).until(d ->
            "complete".equals(((org.openqa.selenium.JavascriptExecutor) d).executeScript("return document.readyState")));
        Object found = ((org.openqa.selenium.JavascriptExecutor) page).executeAsyncScript(
            "const done = arguments[arguments.length - 1];"
            + "const link = document.querySelector('link[rel~=icon]');"
            + "if (!link) { done('no icon link'); return; }"
            + "Promise.all([fetch(link.href), fetch('/favicon.ico')])"
            + ".then(([icon, ico]) => done(icon.status + ' ' + icon.headers.get('content-type') + ' | ' + ico.status"
            + " + ' ' + ico.headers.get('content-type')), (e) => done(String(e)));");
        assertThat(String.valueOf(found)).as(tab).startsWith("200 image/svg+xml").contains("| 200 image/");
        assertThat(page.findElement(By.cssSelector("link[rel~=icon]")).getDomAttribute("href")).as(tab)
            .isEqualTo("favicon.svg");
        assertThat(browser.console(tab)).as(tab + ": console")
            .noneMatch(line -> line.contains("404") || line.contains("Failed to load resource"));
      }
    } finally {
      node.stop();
    }
    tc.completeNow();
  }

  @Test
  void aViewerWhoMayNotVoteSeesWhyAndNoButtonsAndAWaitingTallySaysSo(VertxTestContext tc) {
    TestNode node = TestNode.start();
    try (Browser browser = Browser.start()) {
      Http http = new Http(node.port());
      String base = "http://localhost:" + node.port();
      String run = Long.toString(System.nanoTime(), 36);
      String staff = http.token("staff-juror-page", "staff");
      String roomId = http.createRoom(staff, "streamer-juror-page-" + run);
      WebDriver present = browser.open("present", base + "/viewer.html?room=" + roomId + "&user=present-" + run);
      waitForText(present, By.id("status"), "connected");
      Http.Reply opened = http.post("/api/rooms/" + roomId + "/prompts", staff, new io.vertx.core.json.JsonObject()
          .put("kind", "claim").put("question", "主播说这款茶能治疗糖尿病，属实吗？").put("durationSec", 60)
          .put("tally", "after_vote"));
      assertThat(opened.status()).isEqualTo(201);

      WebDriver late = browser.open("late", base + "/viewer.html?room=" + roomId + "&user=late-" + run);
      waitForText(late, By.cssSelector(".juror-note"),
          "You joined after this question was asked: only viewers who were watching before may vote");
      assertThat(late.findElements(By.cssSelector(".options button")).stream().noneMatch(WebElement::isDisplayed))
          .as("no vote buttons").isTrue();
      waitForText(late, By.cssSelector(".tally-mode"), "Results at the end");
      assertThat(late.findElement(By.cssSelector(".tally")).isDisplayed()).isFalse();

      present = browser.in("present");
      waitForText(present, By.cssSelector(".tally-mode"), "Results appear after you vote");
      assertThat(present.findElement(By.cssSelector(".tally")).isDisplayed()).isFalse();
      assertThat(present.findElements(By.cssSelector(".juror-note")).stream().noneMatch(WebElement::isDisplayed)).isTrue();
      button(present, "不实").click();
      waitForText(present, By.cssSelector(".voted"), "不实");
      waitForText(present, By.cssSelector(".tally .total"), "1 votes");
      browser.screenshot("late", SHOTS.resolve("viewer-not-eligible.png"));
      for (String tab : new String[] {"present", "late"}) {
        assertThat(browser.violations(tab)).as(tab).isEmpty();
      }
    } finally {
      node.stop();
    }
    tc.completeNow();
  }
}
