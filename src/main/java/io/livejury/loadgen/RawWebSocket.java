package io.livejury.loadgen;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A WebSocket client on a plain blocking socket, for clients that misbehave on purpose: it reads only when
 * told to (a reader that stopped reading), writes frames as fast as the kernel takes them, and sends any
 * bytes at all. Frames it writes are masked as RFC 6455 requires of a client. The fault tools and the test
 * suite's hostile clients both use it.
 */
public final class RawWebSocket implements AutoCloseable {

  static final int TEXT = 1;
  static final int BINARY = 2;
  static final int CLOSE = 8;
  static final int PING = 9;
  static final int PONG = 10;

  /** A frame from the server. */
  record Frame(int opcode, byte[] payload) {
    String text() {
      return new String(payload, StandardCharsets.UTF_8);
    }

    int closeCode() {
      return payload.length >= 2 ? (payload[0] & 0xff) << 8 | payload[1] & 0xff : 1005;
    }
  }

  private final Socket socket;
  private final OutputStream out;
  private final InputStream in;
  final int status;

  private RawWebSocket(Socket socket, int status, InputStream in) throws IOException {
    this.socket = socket;
    this.out = socket.getOutputStream();
    this.in = in;
    this.status = status;
  }

  /**
   * Connects and sends the upgrade request; {@link #status} is the answer's status (101 when the socket is
   * open). A receive buffer size, if given, is set before connecting so the kernel window stays that small.
   */
  public static RawWebSocket open(String host, int port, String pathAndQuery, int receiveBuffer) throws IOException {
    Socket socket = new Socket();
    if (receiveBuffer > 0) {
      socket.setReceiveBufferSize(receiveBuffer);
    }
    socket.connect(new InetSocketAddress(host, port), 10_000);
    socket.setSoTimeout(30_000);
    byte[] key = new byte[16];
    ThreadLocalRandom.current().nextBytes(key);
    String request = "GET " + pathAndQuery + " HTTP/1.1\r\nHost: " + host + ":" + port
        + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: "
        + Base64.getEncoder().encodeToString(key) + "\r\nSec-WebSocket-Version: 13\r\n\r\n";
    socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
    InputStream in = new BufferedInputStream(socket.getInputStream(), 65536);
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int matched = 0;
    while (matched < 4) {
      int b = in.read();
      if (b == -1) {
        socket.close();
        throw new EOFException("connection closed during the handshake");
      }
      head.write(b);
      matched = (b == '\r' && matched % 2 == 0) || (b == '\n' && matched % 2 == 1) ? matched + 1 : 0;
    }
    String statusLine = head.toString(StandardCharsets.US_ASCII).lines().findFirst().orElse("");
    int status = Integer.parseInt(statusLine.split(" ")[1]);
    return new RawWebSocket(socket, status, in);
  }

  /** One masked client frame. */
  public static byte[] frame(int opcode, byte[] payload) {
    ByteArrayOutputStream frame = new ByteArrayOutputStream(payload.length + 14);
    frame.write(0x80 | opcode);
    if (payload.length < 126) {
      frame.write(0x80 | payload.length);
    } else if (payload.length < 65536) {
      frame.write(0x80 | 126);
      frame.write(payload.length >>> 8);
      frame.write(payload.length & 0xff);
    } else {
      frame.write(0x80 | 127);
      for (int shift = 56; shift >= 0; shift -= 8) {
        frame.write((int) ((long) payload.length >>> shift) & 0xff);
      }
    }
    byte[] mask = new byte[4];
    ThreadLocalRandom.current().nextBytes(mask);
    frame.writeBytes(mask);
    for (int i = 0; i < payload.length; i++) {
      frame.write(payload[i] ^ mask[i & 3]);
    }
    return frame.toByteArray();
  }

  public static byte[] text(String text) {
    return frame(TEXT, text.getBytes(StandardCharsets.UTF_8));
  }

  void write(byte[] bytes) throws IOException {
    out.write(bytes);
  }

  /** The same bytes {@code times} over, as one buffer to write at once (a flood in one syscall). */
  public static byte[] repeated(byte[] bytes, int times) {
    byte[] all = new byte[bytes.length * times];
    for (int i = 0; i < times; i++) {
      System.arraycopy(bytes, 0, all, i * bytes.length, bytes.length);
    }
    return all;
  }

  /** Writes bytes; false once the server has closed or reset the connection (a write blocks while it reads nothing). */
  public boolean tryWrite(byte[] bytes) {
    try {
      out.write(bytes);
      out.flush();
      return true;
    } catch (IOException closed) {
      return false;
    }
  }

  /** The answer's status to the upgrade: 101 when the socket is open. */
  public int status() {
    return status;
  }

  /**
   * Reads (and throws away) whatever the server sent until it closes or resets the connection; true when that
   * happened within {@code ms}.
   */
  public boolean closedWithin(long ms) {
    long until = System.nanoTime() + ms * 1_000_000;
    byte[] sink = new byte[65536];
    try {
      socket.setSoTimeout(200);
      while (System.nanoTime() < until) {
        try {
          if (in.read(sink) < 0) {
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

  void sendText(String text) throws IOException {
    write(text(text));
  }

  /** The next frame from the server, or null once the connection is closed. */
  Frame read() throws IOException {
    int first = in.read();
    if (first == -1) {
      return null;
    }
    int second = in.read();
    if (second == -1) {
      return null;
    }
    long length = second & 0x7f;
    if (length == 126) {
      length = (in.read() << 8) | in.read();
    } else if (length == 127) {
      length = 0;
      for (int i = 0; i < 8; i++) {
        length = length << 8 | in.read();
      }
    }
    byte[] payload = in.readNBytes((int) length);
    if (payload.length < length) {
      return null;
    }
    return new Frame(first & 0x0f, payload);
  }

  void readTimeout(int millis) throws IOException {
    socket.setSoTimeout(millis);
  }

  boolean closed() {
    return socket.isClosed();
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
