package io.livejury.common;

import java.nio.charset.StandardCharsets;

/**
 * Redis Cluster's key → hash slot mapping, as the cluster specification defines it: CRC16 (XMODEM: polynomial
 * 0x1021, initial value 0) of the key's hash tag — the part between the first {@code {} and the next {@code }},
 * when that part is not empty — or else of the whole key, modulo {@value #SLOTS}. Keys and shard channels of one
 * slot live on one shard; a Lua script's keys must all be of one slot.
 */
public final class HashSlots {

  /** How many hash slots a Redis Cluster has. */
  public static final int SLOTS = 16_384;

  private static final int[] TABLE = new int[256];

  static {
    for (int i = 0; i < 256; i++) {
      int crc = i << 8;
      for (int bit = 0; bit < 8; bit++) {
        crc = (crc & 0x8000) != 0 ? (crc << 1) ^ 0x1021 : crc << 1;
      }
      TABLE[i] = crc & 0xFFFF;
    }
  }

  /** The hash slot of a key or shard channel (UTF-8 bytes), 0 to {@value #SLOTS} - 1. */
  public static int slot(String key) {
    byte[] bytes = key.getBytes(StandardCharsets.UTF_8);
    int from = 0;
    int to = bytes.length;
    int open = indexOf(bytes, (byte) '{', 0);
    if (open >= 0) {
      int close = indexOf(bytes, (byte) '}', open + 1);
      if (close > open + 1) {
        from = open + 1;
        to = close;
      }
    }
    return crc16(bytes, from, to) % SLOTS;
  }

  /** CRC16/XMODEM of {@code bytes[from, to)}. */
  static int crc16(byte[] bytes, int from, int to) {
    int crc = 0;
    for (int i = from; i < to; i++) {
      crc = ((crc << 8) ^ TABLE[((crc >>> 8) ^ bytes[i]) & 0xFF]) & 0xFFFF;
    }
    return crc;
  }

  private static int indexOf(byte[] bytes, byte wanted, int from) {
    for (int i = from; i < bytes.length; i++) {
      if (bytes[i] == wanted) {
        return i;
      }
    }
    return -1;
  }

  private HashSlots() {
  }
}
