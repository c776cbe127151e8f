package org.infonce4j.word2vec;

import java.nio.file.Path;
import org.infonce4j.Matrix;
import org.infonce4j.kernels.KernelProvider;
import org.infonce4j.kernels.VectorOps;

/**
 * word2vec with negative sampling, and its InfoNCE form, trained on a {@link Corpus}:
 *
 * <pre>{@code
 * Word2Vec.Result r = Word2Vec.train(Corpus.of(Path.of("corpus.txt")), Word2VecConfig.defaults(), null);
 * WordVectorsFormat.write(Path.of("vectors.txt"), r.vectors(), false);
 * }</pre>
 *
 * <p>Steps: count the vocabulary (one pass), encode the corpus as word ids into a temporary file
 * (a second pass), then train with hogwild workers over the memory-mapped ids. Memory: the two
 * {@code V x dim} matrices (rows padded to a multiple of 16 floats) plus per-worker buffers.
 */
public final class Word2Vec {

  private Word2Vec() {
  }

  /** Receives progress every ~200 ms from the training thread (not from a worker). */
  @FunctionalInterface
  public interface Progress {
    /**
     * @param wordsDone   corpus words processed so far (before subsampling), over all epochs
     * @param wordsTotal  epochs x corpus words
     * @param wordsPerSec words processed per second since training started
     * @param loss        mean loss per trained pair since the previous call (NaN when none)
     */
    void update(long wordsDone, long wordsTotal, double wordsPerSec, double loss);
  }

  /**
   * What training produced and how it went.
   *
   * @param vectors        the word vectors, most frequent word first
   * @param vocabulary     the vocabulary
   * @param tokens         corpus tokens in the vocabulary (one epoch)
   * @param vocabSeconds   time to count and encode the corpus
   * @param trainSeconds   time of the training loop
   * @param wordsPerSecond epochs x tokens / trainSeconds
   * @param finalLoss      mean loss per pair over the last stretch of training
   * @param implementation the vector operations used ("panama" or "scalar")
   */
  public record Result(
      WordVectors vectors,
      Vocabulary vocabulary,
      long tokens,
      double vocabSeconds,
      double trainSeconds,
      double wordsPerSecond,
      double finalLoss,
      String implementation) {
  }

  /**
   * What one shard contributed to a distributed run.
   *
   * @param words words of the shard processed (before subsampling), over all passes
   * @param loss  mean loss per trained pair, NaN when none
   */
  public record ShardResult(long words, double loss) {
  }

  /**
   * Trains {@code weights} in place on one shard, as one participant of a distributed run: the
   * learning rate follows the whole run's schedule, {@code workBefore} words into {@code totalWork}.
   * {@code config.threads()} hogwild workers share the shard.
   *
   * @param config the run's settings
   * @param counts the run's vocabulary counts (id order), for subsampling and the noise distribution
   * @param shard the shard's sentences
   * @param weights the matrices to update in place, sized for {@code counts} and {@code config.dim()}
   * @param passes passes over the shard
   * @param workBefore words the whole run trained before this call (by earlier rounds)
   * @param totalWork words the whole run will train: the learning rate decays over it
   * @return the words processed and the mean loss
   * @throws IllegalArgumentException when the vocabulary has no more words than
   *     {@code config.negative()}, or the weights do not match it
   * @throws IllegalStateException when training diverges (a non-finite word vector) or is
   *     interrupted
   */
  public static ShardResult trainShard(Word2VecConfig config, long[] counts, SentenceSource shard, Weights weights, int passes,
      long workBefore, long totalWork) {
    Trainer trainer = new Trainer(config, counts, shard, weights, KernelProvider.vectorOps(), passes, workBefore, totalWork);
    trainer.run(() -> {
    });
    trainer.drainLoss();
    return new ShardResult(trainer.wordsDone(), trainer.meanLoss());
  }

  /**
   * Trains with the temporary encoded corpus in the system's temporary directory.
   *
   * @param corpus the text to train on
   * @param config the settings
   * @param progress receives progress, or null
   * @return the vectors, vocabulary and timings
   * @see #train(Corpus, Word2VecConfig, Progress, Path)
   */
  public static Result train(Corpus corpus, Word2VecConfig config, Progress progress) {
    return train(corpus, config, progress, Path.of(System.getProperty("java.io.tmpdir")));
  }

  /**
   * Trains on {@code corpus}; the encoded corpus is written to (and removed from) {@code workDir}.
   *
   * @param corpus the text to train on
   * @param config the settings
   * @param progress receives progress, or null
   * @param workDir the directory for the temporary encoded corpus
   * @return the vectors, vocabulary and timings
   * @throws IllegalArgumentException for an empty corpus, invalid UTF-8, or a vocabulary too small
   *                                  for the negatives
   * @throws IllegalStateException    when training diverges (a non-finite word vector)
   * @throws java.io.UncheckedIOException when the corpus cannot be read or the encoded corpus
   *                                  written
   */
  public static Result train(Corpus corpus, Word2VecConfig config, Progress progress, Path workDir) {
    long t0 = System.nanoTime();
    Vocabulary vocab = Vocabulary.build(corpus, config.minCount(), config.maxVocab());
    VectorOps ops = KernelProvider.vectorOps();
    try (EncodedCorpus encoded = EncodedCorpus.encode(corpus, vocab, config.maxSentence(), workDir)) {
      long work = (long) config.epochs() * encoded.tokens();
      Trainer trainer = new Trainer(config, vocab.counts(), encoded, Weights.initial(vocab.size(), config.dim(), config.seed()), ops,
          config.epochs(), 0, work);
      long t1 = System.nanoTime();
      double[] lastLoss = {Double.NaN};
      trainer.run(() -> {
        double loss = trainer.drainLoss();
        if (!Double.isNaN(loss)) {
          lastLoss[0] = loss;
        }
        if (progress != null) {
          double seconds = (System.nanoTime() - t1) / 1e9;
          long done = trainer.wordsDone();
          progress.update(done, trainer.totalWork(), seconds > 0 ? done / seconds : 0, loss);
        }
      });
      long t2 = System.nanoTime();
      double loss = trainer.drainLoss();
      if (!Double.isNaN(loss)) {
        lastLoss[0] = loss;
      }
      double trainSeconds = (t2 - t1) / 1e9;
      WordVectors vectors = new WordVectors(vocab.words(), new Matrix(vocab.size(), config.dim(), trainer.takeVectors()));
      return new Result(vectors, vocab, encoded.tokens(), (t1 - t0) / 1e9, trainSeconds, trainer.totalWork() / trainSeconds, lastLoss[0],
          ops.name());
    }
  }
}
