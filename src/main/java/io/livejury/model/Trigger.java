package io.livejury.model;

import io.vertx.core.json.JsonObject;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What of a prompt's trigger may leave the staff side. The texts of the viewer reports that opened a prompt
 * are viewers' own words, naming the streamer and now and then each other: staff read them when reviewing
 * the verdict; the room (viewers and the streamer) sees that reports opened the prompt, not what they said.
 */
public final class Trigger {

  /** The trigger field that holds the report texts. */
  public static final String TEXTS = "texts";

  /** The trigger without the report texts: the same map when it holds none. */
  public static Map<String, Object> forRoom(Map<String, Object> trigger) {
    if (trigger == null || !trigger.containsKey(TEXTS)) {
      return trigger;
    }
    Map<String, Object> shown = new LinkedHashMap<>(trigger);
    shown.remove(TEXTS);
    return shown;
  }

  /** Removes the report texts from a prompt's or verdict's JSON, and from the verdict it carries, in place. */
  public static JsonObject forRoom(JsonObject promptOrVerdict) {
    if (promptOrVerdict.getValue("trigger") instanceof JsonObject trigger) {
      trigger.remove(TEXTS);
    }
    if (promptOrVerdict.getValue("verdict") instanceof JsonObject verdict) {
      forRoom(verdict);
    }
    return promptOrVerdict;
  }

  private Trigger() {
  }
}
