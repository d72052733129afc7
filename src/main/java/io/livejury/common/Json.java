package io.livejury.common;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.json.JsonObject;

import java.util.Map;

/** The one Jackson mapper for records: absent optional fields are left out, unknown ones ignored. */
public final class Json {

  public static final ObjectMapper MAPPER = new ObjectMapper()
      .setSerializationInclusion(JsonInclude.Include.NON_NULL)
      .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

  public static String encode(Object value) {
    try {
      return MAPPER.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("Cannot encode " + value.getClass().getSimpleName(), e);
    }
  }

  public static <T> T decode(String json, Class<T> type) {
    try {
      return MAPPER.readValue(json, type);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("Cannot decode " + type.getSimpleName(), e);
    }
  }

  @SuppressWarnings("unchecked")
  public static JsonObject toJsonObject(Object value) {
    return new JsonObject(MAPPER.convertValue(value, Map.class));
  }

  private Json() {
  }
}
