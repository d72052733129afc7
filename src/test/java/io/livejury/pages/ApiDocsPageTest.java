package io.livejury.pages;

import io.livejury.support.Browser;
import io.livejury.support.EmbeddedServersExtension;
import io.livejury.support.Http;
import io.livejury.support.TestNode;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The API docs page in a real browser: swagger-ui, served from the jar, renders the node's own document and lists
 * every operation in it, within the page's Content-Security-Policy and with nothing fetched from elsewhere.
 */
@ExtendWith({EmbeddedServersExtension.class, VertxExtension.class})
class ApiDocsPageTest {

  private static final Path SHOTS = Path.of("target", "screenshots");

  /** "GET /api/rooms/{roomId}" for each operation swagger-ui shows. */
  private static final String LISTED = "return Array.from(document.querySelectorAll('.opblock')).map(b =>"
      + " b.querySelector('.opblock-summary-method').textContent.trim().toUpperCase() + ' ' +"
      + " (b.querySelector('.opblock-summary-path').getAttribute('data-path')"
      + " || b.querySelector('.opblock-summary-path').textContent).replace(/\\u200b/g, '').trim());";

  @Test
  void theDocsPageListsEveryOperationOfTheDocument() {
    TestNode node = TestNode.start();
    try (Browser browser = Browser.start()) {
      Http http = new Http(node.port());
      JsonObject document = new JsonObject(http.exchange("/openapi.json").body());
      Set<String> operations = new TreeSet<>();
      document.getJsonObject("paths").forEach(path -> ((JsonObject) path.getValue()).fieldNames().stream()
          .filter(method -> !"parameters".equals(method))
          .forEach(method -> operations.add(method.toUpperCase() + " " + path.getKey())));
      assertThat(operations).hasSizeGreaterThan(20);

      HttpResponse<String> page = http.exchange("/docs/api.html");
      assertThat(page.statusCode()).isEqualTo(200);
      assertThat(page.body()).doesNotContain("http://", "https://").doesNotContainPattern("<script(?![^>]*\\ssrc=)");
      assertThat(http.exchange("/docs/swagger-ui/swagger-ui-bundle.js").statusCode()).isEqualTo(200);

      WebDriver docs = browser.open("docs", "http://localhost:" + node.port() + "/docs/api.html");
      Set<String> listed = new TreeSet<>();
      new WebDriverWait(docs, Duration.ofSeconds(30)).until(d -> {
        listed.clear();
        ((List<?>) ((JavascriptExecutor) d).executeScript(LISTED)).forEach(op -> listed.add(String.valueOf(op)));
        return listed.size() >= operations.size();
      });
      assertThat(listed).isEqualTo(operations);
      assertThat(docs.getTitle()).contains("LiveJury");
      browser.screenshot("docs", SHOTS.resolve("api-docs.png"));
      assertThat(browser.violations("docs")).isEmpty();
    } finally {
      node.stop();
    }
  }
}
