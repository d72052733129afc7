package io.livejury.jury;

/**
 * A viewer as a juror of one room, put together once per socket: the token's claims, the network the
 * viewer's ballots are grouped by, when the user first joined the room (across reconnects and nodes, by
 * Redis's clock) and the weight their reputation gives their ballot.
 *
 * @param userId        the token's subject
 * @param claims        the token's juror claims
 * @param netId         a short, stable identity of the viewer's network: a hash of the {@code net} claim, or
 *                      of the socket's remote /24 (IPv4) or /48 (IPv6) when the claim is absent
 * @param firstJoinedMs when the user first joined the room, epoch ms; or rejoined it, when they came back after
 *                      more than the rejoin grace away
 * @param weight        the ballot weight from the juror's reputation ({@link ReputationRule}); 1 for a juror
 *                      with no record
 */
public record JurorProfile(String userId, JurorClaims claims, String netId, long firstJoinedMs, double weight) {
}
