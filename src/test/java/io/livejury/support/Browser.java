package io.livejury.support;

import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WindowType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Headless Debian Chromium driven through its own chromedriver: no browser download, no network beyond
 * localhost. Each named tab is one person's page. Where Chromium is missing the tests are skipped, unless
 * {@code LIVEJURY_BROWSER_TESTS=required} (as in CI), where that is a failure.
 */
public final class Browser implements AutoCloseable {

  private static final String CHROMIUM = "/usr/bin/chromium";
  private static final String CHROMEDRIVER = "/usr/bin/chromedriver";
  /**
   * Selenium warns at every start that it has no CDP bindings for this exact Chromium version. The tests send their
   * few CDP commands through chromedriver ({@code executeCdpCommand}), which needs none, so only its errors are
   * shown. Held here: java.util.logging keeps loggers weakly, and a collected one would forget its level.
   */
  private static final Logger CDP_VERSION_FINDER = Logger.getLogger("org.openqa.selenium.devtools.CdpVersionFinder");

  static {
    CDP_VERSION_FINDER.setLevel(Level.SEVERE);
  }

  private final WebDriver driver;
  private final Map<String, String> tabs = new HashMap<>();

  private Browser(WebDriver driver) {
    this.driver = driver;
  }

  public static Browser start() {
    boolean present = new File(CHROMIUM).canExecute() && new File(CHROMEDRIVER).canExecute();
    if (!present && "required".equals(System.getenv("LIVEJURY_BROWSER_TESTS"))) {
      throw new IllegalStateException("browser tests are required but " + CHROMIUM + " or " + CHROMEDRIVER + " is missing");
    }
    Assumptions.assumeTrue(present, "Chromium not installed: apt-get install chromium chromium-driver");
    try {
      Path profile = Files.createTempDirectory("livejury-chromium");
      ChromeOptions options = new ChromeOptions().setBinary(CHROMIUM).addArguments(
          "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic",
          "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
          "--disable-background-timer-throttling", "--disable-renderer-backgrounding",
          "--disable-backgrounding-occluded-windows", "--window-size=1200,900", "--lang=zh-CN",
          "--user-data-dir=" + profile);
      // The console of every page (failed loads among it), for {@link #console}.
      LoggingPreferences logs = new LoggingPreferences();
      logs.enable(LogType.BROWSER, Level.ALL);
      options.setCapability(ChromeOptions.LOGGING_PREFS, logs);
      ChromeDriverService service = new ChromeDriverService.Builder()
          .usingDriverExecutable(new File(CHROMEDRIVER)).usingAnyFreePort().build();
      return new Browser(new ChromeDriver(service, options));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Opens a page in a tab of its own, named for the person using it. Every document of the tab records the
   * Content-Security-Policy violations it meets, for {@link #violations}.
   */
  public WebDriver open(String tab, String url) {
    return open(tab, url, 0);
  }

  /** Opens a page in a tab whose device clock ({@code Date.now()}) runs {@code clockSkewMs} ahead (or behind). */
  public WebDriver open(String tab, String url, long clockSkewMs) {
    if (tabs.isEmpty()) {
      tabs.put(tab, driver.getWindowHandle());
    } else {
      driver.switchTo().newWindow(WindowType.TAB);
      tabs.put(tab, driver.getWindowHandle());
    }
    beforeEveryDocument("window.cspViolations = [];"
        + "document.addEventListener('securitypolicyviolation', (e) =>"
        + " window.cspViolations.push(e.violatedDirective + ' ' + e.blockedURI + ' ' + e.sourceFile + ':' + e.lineNumber));");
    if (clockSkewMs != 0) {
      beforeEveryDocument("{ const deviceNow = Date.now.bind(Date); Date.now = () => deviceNow() + " + clockSkewMs + "; }");
    }
    driver.get(url);
    return driver;
  }

  /** The Content-Security-Policy violations the tab's current page has met so far. */
  public List<String> violations(String tab) {
    Object found = ((JavascriptExecutor) in(tab)).executeScript("return window.cspViolations || ['none recorded'];");
    List<String> violations = new ArrayList<>();
    ((List<?>) found).forEach(v -> violations.add(String.valueOf(v)));
    return violations;
  }

  /**
   * What the browser's console logged in the tab since the last call (Chromium logs a file the server answered 404
   * as "Failed to load resource: … 404"), one "LEVEL message" line each.
   */
  public List<String> console(String tab) {
    List<String> lines = new ArrayList<>();
    for (LogEntry entry : in(tab).manage().logs().get(LogType.BROWSER)) {
      lines.add(entry.getLevel() + " " + entry.getMessage());
    }
    return lines;
  }

  private void beforeEveryDocument(String script) {
    ((ChromeDriver) driver).executeCdpCommand("Page.addScriptToEvaluateOnNewDocument", Map.of("source", script));
  }

  /** Brings a person's tab to the front and returns the driver pointed at it. */
  public WebDriver in(String tab) {
    driver.switchTo().window(tabs.get(tab));
    return driver;
  }

  public void screenshot(String tab, Path file) {
    try {
      Files.createDirectories(file.getParent());
      WebDriver page = in(tab);
      ((JavascriptExecutor) page).executeScript("window.scrollTo(0, 0)");
      File shot = ((TakesScreenshot) page).getScreenshotAs(OutputType.FILE);
      Files.copy(shot.toPath(), file, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    driver.quit();
  }
}
