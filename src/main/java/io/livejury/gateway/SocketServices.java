package io.livejury.gateway;

import io.livejury.config.Settings;
import io.livejury.detect.ReportService;
import io.livejury.metrics.Metrics;
import io.livejury.room.RoomRegistry;
import io.livejury.vote.BallotCounter;
import io.livejury.vote.PromptService;

/** What every socket session of this node works with. */
public record SocketServices(
    Settings settings,
    RoomRegistry registry,
    PromptService prompts,
    BallotCounter ballots,
    ReportService reports,
    UserSockets users,
    Metrics metrics) {
}
