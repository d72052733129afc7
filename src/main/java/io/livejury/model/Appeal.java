package io.livejury.model;

public record Appeal(String id, String penaltyId, String reason, String by, String status, String at) {

  public static final String OPEN = "open";
  public static final String UPHELD = "upheld";
  public static final String GRANTED = "granted";
}
