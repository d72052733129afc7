package io.livejury.teach;

import io.livejury.config.Settings;

/**
 * How taught examples travel between nodes and how long a warning can be taught, from
 * {@code livejury-defaults.properties} (each key there says why its default).
 *
 * @param resyncMs           {@code LIVEJURY_TEACH_RESYNC_MS}: every node re-reads the taught examples this often, in
 *                           case it missed the message that announced a change
 * @param warningRecordHours {@code LIVEJURY_WARNING_RECORD_HOURS}: a warning's sentence stays teachable this long
 */
public record TeachSettings(long resyncMs, int warningRecordHours) {

  public static TeachSettings from(Settings.Reader r) {
    return new TeachSettings(r.positive("LIVEJURY_TEACH_RESYNC_MS"), r.positive("LIVEJURY_WARNING_RECORD_HOURS"));
  }
}
