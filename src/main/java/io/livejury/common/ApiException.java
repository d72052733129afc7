package io.livejury.common;

/**
 * A failure the client caused or must hear about, carrying the contract's status and error code.
 * The gateway turns it into {@code {"error":{"code","message"}}} in one place.
 */
public final class ApiException extends RuntimeException {

  private final int status;
  private final String code;
  private final long retryAfterSeconds;

  public ApiException(int status, String code, String message) {
    this(status, code, message, 0);
  }

  /** A failure the client may retry after {@code retryAfterSeconds} (sent as {@code Retry-After}; 0 = none). */
  public ApiException(int status, String code, String message, long retryAfterSeconds) {
    super(message, null, false, false);
    this.status = status;
    this.code = code;
    this.retryAfterSeconds = retryAfterSeconds;
  }

  /** Seconds the client should wait before trying again; 0 when the failure says nothing of it. */
  public long retryAfterSeconds() {
    return retryAfterSeconds;
  }

  public int status() {
    return status;
  }

  public String code() {
    return code;
  }

  public static ApiException badRequest(String message) {
    return new ApiException(400, "bad_request", message);
  }

  public static ApiException notFound(String what) {
    return new ApiException(404, "not_found", what + " not found");
  }

  public static ApiException forbidden(String message) {
    return new ApiException(403, "forbidden", message);
  }

  public static ApiException conflict(String message) {
    return new ApiException(409, "conflict", message);
  }

  public static ApiException gone(String message) {
    return new ApiException(410, "gone", message);
  }
}
