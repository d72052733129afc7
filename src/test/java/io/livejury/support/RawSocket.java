package io.livejury.support;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * A WebSocket client written by hand on a plain TCP socket, for clients no library would be: one that never
 * reads, never answers a ping, or sends thousands of frames in one write. Frames go out masked with a zero
 * key (RFC 6455 requires a mask, not a secret one), so the payload bytes are the text itself.
 */
public final class RawSocket implements AutoCloseable {

  private final Socket socket;

  private RawSocket(Socket socket) {
    this.socket = socket;
  }

  /**
   * Connects with a receive buffer of {@code receiveBuffer} bytes (small: a reader that stops soon backs
   * up the node) and completes the upgrade to {@code /ws/rooms/{roomId}}; fails unless the node answers 101.
   */
  public static RawSocket upgrade(int port, String roomId, String token, int receiveBuffer) {
    try {
      Socket socket = new Socket();
      socket.setReceiveBufferSize(receiveBuffer);
      socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
      socket.setSoTimeout(10_000);
      socket.getOutputStream().write(("GET /ws/rooms/" + roomId + "?token=" + token + " HTTP/1.1\r\n"
          + "Host: localhost\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
          + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
          .getBytes(StandardCharsets.US_ASCII));
      String head = readHead(socket.getInputStream());
      if (!head.startsWith("HTTP/1.1 101")) {
        socket.close();
        throw new IllegalStateException("upgrade refused: " + head);
      }
      return new RawSocket(socket);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** One masked text frame (payload under 64 KiB). */
  public static byte[] textFrame(String text) {
    byte[] payload = text.getBytes(StandardCharsets.UTF_8);
    ByteArrayOutputStream frame = new ByteArrayOutputStream(payload.length + 8);
    frame.write(0x81);
    if (payload.length < 126) {
      frame.write(0x80 | payload.length);
    } else {
      frame.write(0x80 | 126);
      frame.write(payload.length >>> 8);
      frame.write(payload.length & 0xff);
    }
    frame.writeBytes(new byte[4]);
    frame.writeBytes(payload);
    return frame.toByteArray();
  }

  /** The same frame {@code times} over, as one buffer to write at once. */
  public static byte[] repeated(byte[] frame, int times) {
    byte[] all = new byte[frame.length * times];
    for (int i = 0; i < times; i++) {
      System.arraycopy(frame, 0, all, i * frame.length, frame.length);
    }
    return all;
  }

  /** Writes bytes; false once the node has closed the connection. */
  public boolean write(byte[] bytes) {
    try {
      socket.getOutputStream().write(bytes);
      socket.getOutputStream().flush();
      return true;
    } catch (IOException closed) {
      return false;
    }
  }

  /**
   * Reads (and throws away) whatever the node sent until it closes or resets the connection; true when that
   * happened within {@code ms}.
   */
  public boolean closedWithin(long ms) {
    long until = System.nanoTime() + ms * 1_000_000;
    byte[] sink = new byte[65536];
    try {
      socket.setSoTimeout(200);
      while (System.nanoTime() < until) {
        try {
          if (socket.getInputStream().read(sink) < 0) {
            return true;
          }
        } catch (java.net.SocketTimeoutException quiet) {
          // nothing yet
        }
      }
      return false;
    } catch (IOException reset) {
      return true;
    }
  }

  private static String readHead(InputStream in) throws IOException {
    StringBuilder head = new StringBuilder();
    int b;
    while ((b = in.read()) != -1) {
      head.append((char) b);
      if (head.length() >= 4 && head.substring(head.length() - 4).equals("\r\n\r\n")) {
        break;
      }
    }
    return head.toString();
  }

  @Override
  public void close() {
    try {
      socket.close();
    } catch (IOException ignored) {
      // already gone
    }
  }
}
