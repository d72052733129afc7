package io.livejury.common;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.livejury.support.EmbeddedServersExtension;
import io.livejury.support.Http;
import io.livejury.support.TestNode;
import io.livejury.support.TestSocket;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.json.schema.Draft;
import io.vertx.json.schema.JsonSchema;
import io.vertx.json.schema.JsonSchemaOptions;
import io.vertx.json.schema.OutputUnit;
import io.vertx.json.schema.SchemaRepository;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * docs/asyncapi.yaml describes the WebSocket frames of protocol.md: it names every frame type the contract names,
 * its examples are valid frames, and the frames a real node sends fit its schemas.
 */
@ExtendWith({EmbeddedServersExtension.class, VertxExtension.class})
class AsyncApiTest {

  private static final Path ASYNCAPI = Path.of("docs/asyncapi.yaml");
  private static final Path PROTOCOL = Path.of("docs/protocol.md");
  /** Where the document is registered for schema references; never fetched. */
  private static final String DOC_URI = "https://livejury.invalid/asyncapi.yaml";
  /** protocol.md names a frame in the lists of its WebSocket section ("- `welcome` `{…}`", "`penalty` `{…}`")… */
  private static final Pattern LISTED_FRAME = Pattern.compile("(?m)^- `([a-z]+)`|`([a-z]+)` `\\{");
  /** …or as a literal frame anywhere (`{"type":"alert",…}`). */
  private static final Pattern LITERAL_FRAME = Pattern.compile("`\\{\"type\":\"([a-z]+)\"");

  private static JsonObject doc;
  private static SchemaRepository schemas;
  /** Frame type → the name of its message in components.messages. */
  private static Map<String, String> messageByType;

  @BeforeAll
  static void load() throws IOException {
    // Through JSON text, so nested objects are JsonObjects all the way down, as the schema validator walks them.
    doc = new JsonObject(new ObjectMapper().writeValueAsString(
        new ObjectMapper(new YAMLFactory()).readTree(ASYNCAPI.toFile())));
    schemas = SchemaRepository.create(new JsonSchemaOptions().setDraft(Draft.DRAFT7).setBaseUri(DOC_URI));
    // A copy: the repository writes its bookkeeping (absolute URIs) into the objects it is given.
    schemas.dereference(DOC_URI, JsonSchema.of(doc.copy()));
    messageByType = new TreeMap<>();
    JsonObject messages = doc.getJsonObject("components").getJsonObject("messages");
    for (String name : messages.fieldNames()) {
      messageByType.put(frameType(messages.getJsonObject(name)), name);
    }
  }

  /** The {@code const} of the {@code type} property of a message's payload schema. */
  private static String frameType(JsonObject message) {
    JsonObject payload = message.getJsonObject("payload");
    String ref = payload.getString("$ref");
    JsonObject schemas = doc.getJsonObject("components").getJsonObject("schemas");
    JsonObject schema = ref == null ? payload : schemas.getJsonObject(ref.substring(ref.lastIndexOf('/') + 1));
    return schema.getJsonObject("properties").getJsonObject("type").getString("const");
  }

  @Test
  void everyFrameTypeOfTheProtocolIsDescribedAndNoOther() throws IOException {
    String protocol = Files.readString(PROTOCOL);
    int from = protocol.indexOf("## WebSocket");
    String socketSection = protocol.substring(from, protocol.indexOf("\n## ", from + 1));
    Set<String> named = new TreeSet<>();
    Matcher listed = LISTED_FRAME.matcher(socketSection);
    while (listed.find()) {
      named.add(listed.group(1) != null ? listed.group(1) : listed.group(2));
    }
    Matcher literal = LITERAL_FRAME.matcher(protocol);
    while (literal.find()) {
      named.add(literal.group(1));
    }

    assertThat(named).contains("welcome", "ballot", "penalty", "alert", "queue", "update");
    assertThat(messageByType.keySet()).isEqualTo(named);
  }

  @Test
  void everyExampleIsAValidFrame() {
    JsonObject messages = doc.getJsonObject("components").getJsonObject("messages");
    int examples = 0;
    for (String name : messages.fieldNames()) {
      for (Object example : messages.getJsonObject(name).getJsonArray("examples")) {
        JsonObject payload = ((JsonObject) example).getJsonObject("payload");
        assertValid(name, payload);
        examples++;
      }
    }
    assertThat(examples).isGreaterThanOrEqualTo(messages.size());
    // The schemas bite: an ack without its ref and status is no ack.
    assertThat(validate("ack", new JsonObject().put("type", "ack")).getValid()).isFalse();
  }

  @Test
  void framesOfARealNodeFitTheirSchemas(Vertx vertx) {
    TestNode node = TestNode.start(Map.of("LIVEJURY_VERDICT_QUORUM", "1"));
    try {
      Http http = new Http(node.port());
      String staff = http.token("asyncapi-staff", "staff");
      String streamerId = "asyncapi-streamer";
      String roomId = http.createRoom(staff, streamerId);
      TestSocket feed = TestSocket.staff(vertx, node.port(), staff);
      TestSocket streamer = TestSocket.connect(vertx, node.port(), roomId,
          http.token(streamerId, "streamer", "m-" + streamerId));
      // Eight unanimous ballots clear the verdict rule's bar for a false claim (Wilson lower bound 0.68 ≥ 0.6).
      List<TestSocket> viewers = TestSocket.viewers(vertx, http, roomId, "asyncapi-viewer-", 8);
      TestSocket first = viewers.get(0);

      String promptId = http.openPrompt(staff, roomId, 2).getString("id");
      for (int i = 0; i < viewers.size(); i++) {
        viewers.get(i).await("prompt");
        viewers.get(i).ballot("b-" + i, promptId, "false");
      }
      first.ack("b-0");
      first.ballot("again", promptId, "true");
      first.ack("again");
      first.send(new JsonObject().put("type", "report").put("ref", "r-1").put("category", "other"));
      first.ack("r-1");
      first.sendText("{not json");
      first.send(new JsonObject().put("type", "vote").put("ref", "x-1"));
      first.send(new JsonObject().put("type", "ping"));
      first.await("pong");
      first.await("verdict");
      first.await("tally");
      streamer.await("penalty");

      http.post("/api/rooms/" + roomId + "/transcript", staff,
          Http.transcript("asyncapi-", List.of("这款茶能治疗糖尿病，大家放心喝")));
      streamer.await("warning");
      JsonObject alert = feed.await(f -> "alert".equals(f.getString("type"))
          && roomId.equals(f.getJsonObject("item").getString("roomId")));
      http.post("/api/queue/" + alert.getJsonObject("item").getString("id") + "/claim", staff, null);
      feed.await("update");
      feed.send(new JsonObject().put("type", "ping"));
      feed.await("pong");

      http.post("/api/rooms/" + roomId + "/stop", staff, new JsonObject().put("reason", "checking the frames"));
      first.await("stopped");
      first.await("room");

      Set<String> checked = new TreeSet<>();
      List<TestSocket> sockets = new ArrayList<>(viewers);
      sockets.add(streamer);
      sockets.add(feed);
      for (TestSocket socket : sockets) {
        for (JsonObject frame : socket.frames()) {
          String type = frame.getString("type");
          assertThat(messageByType).as("frame type of %s", frame).containsKey(type);
          assertValid(messageByType.get(type), frame);
          checked.add(type);
        }
      }
      assertThat(checked).contains("welcome", "prompt", "tally", "verdict", "ack", "error", "pong", "warning",
          "penalty", "room", "stopped", "queue", "alert", "update");
    } finally {
      node.stop();
    }
  }

  private static void assertValid(String message, JsonObject frame) {
    OutputUnit result = validate(message, frame);
    assertThat(result.getValid()).as("%s against message %s: %s", frame, message, result.getErrors()).isTrue();
  }

  private static OutputUnit validate(String message, JsonObject frame) {
    return schemas.validator(JsonSchema.of(new JsonObject()
        .put("$ref", DOC_URI + "#/components/messages/" + message + "/payload"))).validate(frame);
  }
}
