package io.livejury.metrics;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.livejury.support.EmbeddedServersExtension;
import io.livejury.support.Http;
import io.livejury.support.TestNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The dashboard and the alert rules under deploy/ read only meters a real node exposes: a renamed or removed meter
 * would leave a panel empty and an alert silent, which nobody notices until the day it should have fired.
 */
@ExtendWith(EmbeddedServersExtension.class)
class ObservabilityFilesTest {

  private static final Path DASHBOARD = Path.of("deploy/grafana/dashboards/livejury.json");
  private static final Path ALERTS = Path.of("deploy/prometheus/alerts.yml");
  private static final Pattern METRIC = Pattern.compile("\\blivejury_[a-z0-9_]+");
  /** Series Prometheus makes itself, about its scrapes. */
  private static final Set<String> PROMETHEUS_OWN = Set.of("up");
  private static final Pattern SERIES = Pattern.compile("(?m)^([a-zA-Z_:][a-zA-Z0-9_:]*)[{ ]");

  private static TestNode node;
  /** What the node's /metrics lists once its periodic work (the penalty consumer's Postgres relay) has run. */
  private static Set<String> exposed;

  @BeforeAll
  static void start() throws InterruptedException {
    node = TestNode.start();
    Http http = new Http(node.port());
    String text = http.text("/metrics");
    for (int i = 0; i < 100 && !text.contains("livejury_pg_call_seconds_count"); i++) {
      Thread.sleep(100);
      text = http.text("/metrics");
    }
    exposed = new TreeSet<>();
    Matcher series = SERIES.matcher(text);
    while (series.find()) {
      exposed.add(series.group(1));
    }
  }

  @AfterAll
  static void stop() {
    node.stop();
  }

  @Test
  void everyDashboardQueryReadsExposedMeters() throws IOException {
    List<String> queries = new ArrayList<>();
    collectQueries(new ObjectMapper().readTree(DASHBOARD.toFile()).get("panels"), queries);

    assertThat(queries).hasSizeGreaterThan(20);
    queries.forEach(this::assertReadsExposedMeters);
  }

  @Test
  void everyAlertRuleReadsExposedMeters() throws IOException {
    List<String> expressions = new ArrayList<>();
    for (JsonNode group : new ObjectMapper(new YAMLFactory()).readTree(ALERTS.toFile()).get("groups")) {
      for (JsonNode rule : group.get("rules")) {
        assertThat(rule.has("alert")).as("only alerting rules: %s", rule).isTrue();
        expressions.add(rule.get("expr").asText());
      }
    }

    assertThat(expressions).hasSizeGreaterThan(10);
    expressions.forEach(this::assertReadsExposedMeters);
  }

  /** Panels nest inside rows; each panel's targets hold its queries. */
  private static void collectQueries(JsonNode panels, List<String> into) {
    for (JsonNode panel : panels) {
      if (panel.has("panels")) {
        collectQueries(panel.get("panels"), into);
      }
      for (JsonNode target : panel.path("targets")) {
        into.add(target.get("expr").asText());
      }
    }
  }

  private void assertReadsExposedMeters(String expression) {
    Set<String> read = new TreeSet<>();
    Matcher metric = METRIC.matcher(expression);
    while (metric.find()) {
      read.add(metric.group());
    }
    if (read.isEmpty()) {
      assertThat(PROMETHEUS_OWN).as("an expression reads a LiveJury meter or Prometheus's own: %s", expression)
          .anyMatch(own -> expression.matches("(?s).*\\b" + own + "\\{.*"));
    }
    assertThat(exposed).as("meters of %s", expression).containsAll(read);
  }
}
