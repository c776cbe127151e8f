package org.infonce4j.spark;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/**
 * What partitions send back from one round: their pieces ({@link RowBlock}) ordered by key, the
 * sum of several partitions' updates once merged ({@link #plus}), plus the loss statistics.
 */
final class RoundUpdate implements Serializable {
  private static final long serialVersionUID = 1L;

  final List<RowBlock> pieces; // ascending key
  final double lossSum; // loss per pair x words, summed
  final long lossWords;
  final double taskSeconds; // training time, summed over partitions
  final long bytes; // bytes of the partitions' own pieces, summed

  RoundUpdate(List<RowBlock> pieces, double lossSum, long lossWords, double taskSeconds, long bytes) {
    this.pieces = pieces;
    this.lossSum = lossSum;
    this.lossWords = lossWords;
    this.taskSeconds = taskSeconds;
    this.bytes = bytes;
  }

  static RoundUpdate plus(RoundUpdate a, RoundUpdate b) {
    List<RowBlock> out = new ArrayList<>(Math.max(a.pieces.size(), b.pieces.size()));
    int i = 0;
    int j = 0;
    while (i < a.pieces.size() || j < b.pieces.size()) {
      RowBlock x = i < a.pieces.size() ? a.pieces.get(i) : null;
      RowBlock y = j < b.pieces.size() ? b.pieces.get(j) : null;
      if (y == null || x != null && x.key() < y.key()) {
        out.add(x);
        i++;
      } else if (x == null || y.key() < x.key()) {
        out.add(y);
        j++;
      } else {
        out.add(RowBlock.plus(x, y));
        i++;
        j++;
      }
    }
    return new RoundUpdate(out, a.lossSum + b.lossSum, a.lossWords + b.lossWords, a.taskSeconds + b.taskSeconds, a.bytes + b.bytes);
  }
}
