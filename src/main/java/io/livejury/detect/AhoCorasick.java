package io.livejury.detect;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;

/**
 * All patterns found in one pass over the text, whatever their number: a trie of the patterns with
 * failure links (Aho–Corasick), built once per lexicon. Immutable after construction, so any thread may
 * search with it.
 */
final class AhoCorasick<T> {

  /** One occurrence: the payload of the pattern, and where it sits in the text ({@code end} exclusive). */
  record Match<T>(T payload, int start, int end) {
  }

  private static final class Node<T> {
    final Map<Character, Node<T>> next = new HashMap<>();
    final List<T> payloads = new ArrayList<>();
    final List<Integer> lengths = new ArrayList<>();
    Node<T> fail;
    /** The nearest node down the failure chain that ends a pattern, so matching skips the rest. */
    Node<T> output;
    /** {@link #next} frozen once built: sorted keys and their children, searched without boxing a char. */
    char[] keys = new char[0];
    Node<T>[] children;

    Node<T> child(char c) {
      int at = java.util.Arrays.binarySearch(keys, c);
      return at >= 0 ? children[at] : null;
    }

    @SuppressWarnings("unchecked")
    void freeze() {
      keys = new char[next.size()];
      children = new Node[next.size()];
      List<Character> sorted = new ArrayList<>(next.keySet());
      java.util.Collections.sort(sorted);
      for (int i = 0; i < sorted.size(); i++) {
        keys[i] = sorted.get(i);
        children[i] = next.get(sorted.get(i));
      }
    }
  }

  private final Node<T> root = new Node<>();

  AhoCorasick(Map<String, List<T>> patterns) {
    patterns.forEach((pattern, payloads) -> {
      Node<T> node = root;
      for (char c : pattern.toCharArray()) {
        node = node.next.computeIfAbsent(c, k -> new Node<>());
      }
      for (T payload : payloads) {
        node.payloads.add(payload);
        node.lengths.add(pattern.length());
      }
    });
    Queue<Node<T>> queue = new ArrayDeque<>();
    root.fail = root;
    for (Node<T> child : root.next.values()) {
      child.fail = root;
      queue.add(child);
    }
    root.freeze();
    while (!queue.isEmpty()) {
      Node<T> node = queue.remove();
      node.freeze();
      node.output = node.fail.payloads.isEmpty() ? node.fail.output : node.fail;
      node.next.forEach((c, child) -> {
        Node<T> fail = node.fail;
        while (fail != root && !fail.next.containsKey(c)) {
          fail = fail.fail;
        }
        Node<T> target = fail.next.get(c);
        child.fail = target != null && target != child ? target : root;
        queue.add(child);
      });
    }
  }

  List<Match<T>> search(String text) {
    List<Match<T>> matches = new ArrayList<>();
    Node<T> node = root;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      Node<T> child = node.child(c);
      while (child == null && node != root) {
        node = node.fail;
        child = node.child(c);
      }
      node = child == null ? root : child;
      for (Node<T> hit = node.payloads.isEmpty() ? node.output : node; hit != null && hit != root; hit = hit.output) {
        for (int p = 0; p < hit.payloads.size(); p++) {
          matches.add(new Match<>(hit.payloads.get(p), i + 1 - hit.lengths.get(p), i + 1));
        }
      }
    }
    return matches;
  }
}
