package io.livejury.room;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells Redis, every {@link Presence#REPORT_EVERY_MS}, how many distinct viewers this node holds in each of its
 * rooms who could decide a prompt opening now: one task for the node, however many sockets, so a prompt opening
 * anywhere knows the room's audience.
 */
public final class AudienceVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(AudienceVerticle.class);

  private final Presence presence;
  private final RoomRegistry registry;

  public AudienceVerticle(Presence presence, RoomRegistry registry) {
    this.presence = presence;
    this.registry = registry;
  }

  @Override
  public Future<?> start() {
    vertx.setPeriodic(Presence.REPORT_EVERY_MS, id -> presence.report(registry.rooms())
        .onFailure(err -> LOG.debug("Audience not reported: {}", err.getMessage())));
    return Future.succeededFuture();
  }
}
