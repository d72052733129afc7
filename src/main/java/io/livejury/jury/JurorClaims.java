package io.livejury.jury;

import java.util.Set;

/**
 * What the platform that signed a viewer's token says about the person (docs/protocol.md, "Juries"); every claim
 * is optional and checked for its type when the token is read ({@link io.livejury.gateway.Auth}).
 *
 * @param accountCreatedSec the {@code acct} claim: when the account was created, seconds since the epoch; null
 *                          when the platform did not say
 * @param verified          the {@code verified} claim: the platform verified the person behind the account
 * @param ties              the {@code ties} claim: streamer and merchant ids the viewer has a stake in
 * @param net               the {@code net} claim: an opaque network or device identity; null when absent, and
 *                          the socket's remote network stands in for it
 */
public record JurorClaims(Long accountCreatedSec, boolean verified, Set<String> ties, String net) {

  /** A token that says nothing about its holder. */
  public static final JurorClaims NONE = new JurorClaims(null, false, Set.of(), null);

  public JurorClaims {
    ties = Set.copyOf(ties);
  }

  /**
   * True when the viewer has a stake in the room's streamer or merchant, so their ballot would judge their own:
   * the viewer is the streamer or the merchant, or their {@code ties} name either. Ties are compared without
   * case and surrounding blanks: a platform's {@code " M-1"} is the merchant {@code m-1}.
   */
  public boolean conflicted(String userId, String streamerId, String merchantId) {
    if (userId.equals(streamerId) || userId.equals(merchantId)) {
      return true;
    }
    for (String tie : ties) {
      String id = tie.strip();
      if (id.equalsIgnoreCase(streamerId) || merchantId != null && id.equalsIgnoreCase(merchantId)) {
        return true;
      }
    }
    return false;
  }
}
