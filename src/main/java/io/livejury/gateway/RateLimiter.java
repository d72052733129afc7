package io.livejury.gateway;

/** A token bucket for one socket's frames; used only from that socket's event loop. */
final class RateLimiter {

  private final double burst;
  private final double perNano;
  private double tokens;
  private long last = System.nanoTime();

  RateLimiter(int burst, int perSecond) {
    this.burst = burst;
    this.perNano = perSecond / 1e9;
    this.tokens = burst;
  }

  boolean tryAcquire() {
    long now = System.nanoTime();
    tokens = Math.min(burst, tokens + (now - last) * perNano);
    last = now;
    if (tokens < 1) {
      return false;
    }
    tokens -= 1;
    return true;
  }
}
