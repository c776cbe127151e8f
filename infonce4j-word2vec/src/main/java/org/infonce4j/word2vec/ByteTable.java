package org.infonce4j.word2vec;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * An open-addressing hash table from UTF-8 byte strings to dense ids, with a count per id: the
 * corpus is counted and encoded without making a String per token. Keys live back to back in one
 * byte arena. Not thread-safe.
 */
final class ByteTable {
  private byte[] arena = new byte[1 << 16];
  private int arenaUsed;
  private int[] offset = new int[1 << 10]; // per id: start in the arena
  private int[] length = new int[1 << 10]; // per id: byte length
  private long[] count = new long[1 << 10]; // per id: occurrences
  private int size;
  private int[] slots = new int[1 << 11]; // id + 1, 0 = empty; power of two, at most half full
  private int mask = slots.length - 1;

  /** Number of distinct keys. */
  int size() {
    return size;
  }

  long count(int id) {
    return count[id];
  }

  /** Adds {@code by} to the count of {@code id}. */
  void add(int id, long by) {
    count[id] += by;
  }

  /** The key of {@code id} as a String (decoded as UTF-8; keys are validated on insertion). */
  String word(int id) {
    return new String(arena, offset[id], length[id], StandardCharsets.UTF_8);
  }

  /** Bytes used by keys and tables, for pruning decisions. */
  long bytesUsed() {
    return arena.length + 16L * offset.length + 4L * slots.length;
  }

  static int hash(byte[] b, int start, int len) {
    // FNV-1a, then a final avalanche so that the low bits used for the slot mix well.
    int h = 0x811c9dc5;
    for (int i = start; i < start + len; i++) {
      h = (h ^ (b[i] & 0xff)) * 0x01000193;
    }
    h ^= h >>> 16;
    h *= 0x85ebca6b;
    h ^= h >>> 13;
    return h;
  }

  /** The id of the key {@code b[start .. start+len)}, or -1. */
  int find(byte[] b, int start, int len) {
    int s = hash(b, start, len) & mask;
    while (true) {
      int e = slots[s];
      if (e == 0) {
        return -1;
      }
      if (equal(e - 1, b, start, len)) {
        return e - 1;
      }
      s = (s + 1) & mask;
    }
  }

  /**
   * The id of the key, inserting it with count 0 when new. New keys are checked for valid UTF-8;
   * {@code onInvalid} is told the byte offset of the first bad byte within the key.
   */
  int findOrAdd(byte[] b, int start, int len, InvalidUtf8 onInvalid) {
    int s = hash(b, start, len) & mask;
    while (true) {
      int e = slots[s];
      if (e == 0) {
        int bad = firstInvalidUtf8(b, start, len);
        if (bad >= 0) {
          onInvalid.report(bad);
        }
        int id = append(b, start, len);
        slots[s] = id + 1;
        if (2 * size > slots.length) {
          rehash(slots.length * 2);
        }
        return id;
      }
      if (equal(e - 1, b, start, len)) {
        return e - 1;
      }
      s = (s + 1) & mask;
    }
  }

  /** Called with the offset of the first invalid byte of a new key. */
  @FunctionalInterface
  interface InvalidUtf8 {
    void report(int offsetInKey);
  }

  private boolean equal(int id, byte[] b, int start, int len) {
    return length[id] == len && Arrays.equals(arena, offset[id], offset[id] + len, b, start, start + len);
  }

  private int append(byte[] b, int start, int len) {
    if (arenaUsed + len > arena.length) {
      arena = Arrays.copyOf(arena, Math.max(arena.length * 2, arenaUsed + len));
    }
    System.arraycopy(b, start, arena, arenaUsed, len);
    if (size == offset.length) {
      int n = size * 2;
      offset = Arrays.copyOf(offset, n);
      length = Arrays.copyOf(length, n);
      count = Arrays.copyOf(count, n);
    }
    offset[size] = arenaUsed;
    length[size] = len;
    count[size] = 0;
    arenaUsed += len;
    return size++;
  }

  private void rehash(int capacity) {
    slots = new int[capacity];
    mask = capacity - 1;
    for (int id = 0; id < size; id++) {
      int s = hash(arena, offset[id], length[id]) & mask;
      while (slots[s] != 0) {
        s = (s + 1) & mask;
      }
      slots[s] = id + 1;
    }
  }

  /** A new table holding the keys {@code order[0], order[1], ...} as ids 0, 1, ..., with their counts. */
  ByteTable select(int[] order) {
    ByteTable t = new ByteTable();
    for (int id : order) {
      int nid = t.findOrAdd(arena, offset[id], length[id], bad -> {
      });
      t.count[nid] = count[id];
    }
    return t;
  }

  /** Drops every key counted at most {@code maxCount} times (word2vec's vocabulary reduction). */
  void pruneAtMost(long maxCount) {
    ByteTable kept = new ByteTable();
    for (int id = 0; id < size; id++) {
      if (count[id] > maxCount) {
        int nid = kept.findOrAdd(arena, offset[id], length[id], bad -> {
        });
        kept.count[nid] = count[id];
      }
    }
    arena = kept.arena;
    arenaUsed = kept.arenaUsed;
    offset = kept.offset;
    length = kept.length;
    count = kept.count;
    size = kept.size;
    slots = kept.slots;
    mask = kept.mask;
  }

  /** The start of the first sequence that breaks UTF-8 (overlong forms and surrogates included), or -1. */
  static int firstInvalidUtf8(byte[] b, int start, int len) {
    int i = start, end = start + len;
    while (i < end) {
      int c = b[i] & 0xff;
      if (c < 0x80) {
        i++;
        continue;
      }
      int need;
      int min;
      if (c >= 0xc2 && c <= 0xdf) {
        need = 1;
        min = 0x80;
      } else if (c >= 0xe0 && c <= 0xef) {
        need = 2;
        min = 0x800;
      } else if (c >= 0xf0 && c <= 0xf4) {
        need = 3;
        min = 0x10000;
      } else {
        return i - start;
      }
      if (i + need >= end) {
        return i - start; // the sequence is cut short by the end of the key
      }
      int cp = c & (0x3f >> need);
      for (int k = 1; k <= need; k++) {
        int cc = b[i + k] & 0xff;
        if ((cc & 0xc0) != 0x80) {
          return i - start; // the sequence that starts at i is broken
        }
        cp = (cp << 6) | (cc & 0x3f);
      }
      if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) {
        return i - start;
      }
      i += need + 1;
    }
    return -1;
  }
}
