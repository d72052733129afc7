package io.livejury.vote;

import io.vertx.core.json.JsonObject;

import java.time.Instant;
import java.util.Iterator;
import java.util.List;

/**
 * The prompts open in a room as a joining socket finds them — each with its current counts and total, and
 * {@code voted} where this user voted — and {@code serverTime}, when they were read by Redis's clock, the
 * clock every deadline is judged by: a page corrects its own clock by it for the countdown.
 */
public record OpenPrompts(Instant serverTime, List<JsonObject> prompts) implements Iterable<JsonObject> {

  @Override
  public Iterator<JsonObject> iterator() {
    return prompts.iterator();
  }
}
