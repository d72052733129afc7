package io.livejury.gateway;

import io.livejury.config.Settings;
import io.livejury.detect.ReportService;
import io.livejury.jury.Reputation;
import io.livejury.metrics.Metrics;
import io.livejury.room.LostPrompts;
import io.livejury.room.Presence;
import io.livejury.room.RoomRegistry;
import io.livejury.vote.BallotCounter;
import io.livejury.vote.PromptService;

/**
 * What every socket session of this node works with. {@code presence} and {@code reputation} make a viewer's
 * juror profile; they are read only when the jury rules are on. {@code lost} tells a ballot on a prompt Redis lost
 * from one on a prompt that never was.
 */
public record SocketServices(
    Settings settings,
    RoomRegistry registry,
    PromptService prompts,
    BallotCounter ballots,
    ReportService reports,
    UserSockets users,
    Metrics metrics,
    Presence presence,
    Reputation reputation,
    LostPrompts lost) {
}
