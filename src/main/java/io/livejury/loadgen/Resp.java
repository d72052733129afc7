package io.livejury.loadgen;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A blocking Redis client of a few lines for the fault tools: one command per call on a fresh connection,
 * so it works the same before, during and after the server restarts. Replies: simple and bulk strings as
 * {@link String} (null for a null bulk), integers as {@link Long}, arrays as {@link List}; an error reply
 * throws.
 */
final class Resp {

  private Resp() {
  }

  static Object call(int port, String... args) throws IOException {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), 2_000);
      socket.setSoTimeout(10_000);
      OutputStream out = socket.getOutputStream();
      ByteArrayOutputStream command = new ByteArrayOutputStream();
      command.writeBytes(("*" + args.length + "\r\n").getBytes(StandardCharsets.UTF_8));
      for (String arg : args) {
        byte[] bytes = arg.getBytes(StandardCharsets.UTF_8);
        command.writeBytes(("$" + bytes.length + "\r\n").getBytes(StandardCharsets.UTF_8));
        command.writeBytes(bytes);
        command.writeBytes("\r\n".getBytes(StandardCharsets.UTF_8));
      }
      out.write(command.toByteArray());
      out.flush();
      return read(new BufferedInputStream(socket.getInputStream()));
    }
  }

  /** True when a server answers PING on the port. */
  static boolean ping(int port) {
    try {
      return "PONG".equals(call(port, "PING"));
    } catch (IOException | IllegalStateException e) {
      return false;
    }
  }

  @SuppressWarnings("unchecked")
  static List<String> list(int port, String... args) throws IOException {
    Object reply = call(port, args);
    return reply == null ? List.of() : (List<String>) reply;
  }

  private static Object read(InputStream in) throws IOException {
    int type = in.read();
    String line = line(in);
    switch (type) {
      case '+':
        return line;
      case '-':
        throw new IllegalStateException("Redis: " + line);
      case ':':
        return Long.parseLong(line);
      case '$': {
        int length = Integer.parseInt(line);
        if (length < 0) {
          return null;
        }
        byte[] bytes = in.readNBytes(length + 2);
        return new String(bytes, 0, length, StandardCharsets.UTF_8);
      }
      case '*': {
        int count = Integer.parseInt(line);
        if (count < 0) {
          return null;
        }
        List<Object> items = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
          items.add(read(in));
        }
        return items;
      }
      case -1:
        throw new IOException("Redis closed the connection");
      default:
        throw new IOException("unexpected Redis reply type " + (char) type);
    }
  }

  private static String line(InputStream in) throws IOException {
    StringBuilder line = new StringBuilder();
    int c;
    while ((c = in.read()) != -1 && c != '\r') {
      line.append((char) c);
    }
    in.read(); // '\n'
    return line.toString();
  }
}
