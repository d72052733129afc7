package io.livejury.gateway;

/**
 * A token bucket: {@code burst} tokens at most, refilled at {@code perSecond}. One socket's frames use it from
 * that socket's event loop; a room's transcript segments from whichever event loop takes the post, hence the
 * methods are synchronized (uncontended, they cost a few nanoseconds).
 */
public final class RateLimiter {

  private final double burst;
  private final double perNano;
  private double tokens;
  private long last = System.nanoTime();

  /**
   * @param burst     tokens when full, and at the start
   * @param perSecond tokens added per second, up to {@code burst}
   */
  public RateLimiter(int burst, int perSecond) {
    this.burst = burst;
    this.perNano = perSecond / 1e9;
    this.tokens = burst;
  }

  /** Takes one token; false (and takes none) when there is none. */
  public boolean tryAcquire() {
    return tryAcquire(1);
  }

  /** Takes {@code n} tokens at once; false (and takes none) when fewer are left. */
  public synchronized boolean tryAcquire(int n) {
    refill();
    if (tokens < n) {
      return false;
    }
    tokens -= n;
    return true;
  }

  /** Whole seconds until {@code n} tokens will be there (at least 1; for a {@code Retry-After} header). */
  public synchronized long secondsUntil(int n) {
    refill();
    double missing = Math.max(0, n - tokens);
    return Math.max(1, (long) Math.ceil(missing / perNano / 1e9));
  }

  /** True when the bucket is full again: such a bucket is as good as a new one and can be let go. */
  public synchronized boolean full() {
    refill();
    return tokens >= burst;
  }

  private void refill() {
    long now = System.nanoTime();
    tokens = Math.min(burst, tokens + (now - last) * perNano);
    last = now;
  }
}
