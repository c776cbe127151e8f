package org.infonce4j.cli;

import static org.infonce4j.cli.ImageRecipe.or;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.infonce4j.djl.train.RunDirectory;
import org.infonce4j.djl.train.Training;
import org.infonce4j.text.ModelSource;
import org.infonce4j.text.TextEncoder;
import org.infonce4j.text.TextEvaluation;
import org.infonce4j.text.beir.Beir;
import org.infonce4j.text.beir.BeirDataset;
import org.infonce4j.text.train.DevEvaluation;
import org.infonce4j.text.train.PairBatches;
import org.infonce4j.text.train.TextTraining;
import org.infonce4j.text.train.TextTrainingConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code infonce4j text}: sentence embeddings from a pretrained encoder, measured on retrieval. */
@Command(name = "text", mixinStandardHelpOptions = true, subcommands = {TextCommand.Train.class, TextCommand.Eval.class},
    description = {"Sentence embeddings with a pretrained text encoder (all-MiniLM-L6-v2 from its Maven Central jar, or --model DIR with",
        "model.onnx and tokenizer.json), measured on retrieval over data in the BEIR layout (SciFact, bundled, by default)."})
final class TextCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getOut());
    return 2;
  }

  /** The model and data options every text subcommand shares (a picocli mixin). */
  static final class ModelOptions {
    @Option(names = "--model", paramLabel = "DIR",
        description = "A BERT-family encoder as model.onnx and tokenizer.json of a PyTorch ONNX export (default: all-MiniLM-L6-v2, bundled).")
    Path model;

    @Option(names = "--max-tokens", paramLabel = "N", defaultValue = "" + TextEncoder.DEFAULT_MAX_TOKENS,
        description = "Word pieces per text, special tokens included; longer texts are cut and counted (default: ${DEFAULT-VALUE}).")
    int maxTokens;

    @Option(names = "--data", paramLabel = "DIR",
        description = "Data in the BEIR layout: corpus.jsonl, queries.jsonl, qrels/SPLIT.tsv, each plain or .gz (default: SciFact, bundled).")
    Path data;

    @Option(names = "--batch", paramLabel = "N", defaultValue = "" + TextEvaluation.DEFAULT_BATCH,
        description = "Texts per forward pass when embedding (default: ${DEFAULT-VALUE}).")
    int batch;

    ModelSource source() {
      return model == null ? ModelSource.allMiniLmL6V2() : ModelSource.directory(model);
    }

    BeirDataset load(String split) {
      if (batch < 1 || batch > 4096) {
        throw new IllegalArgumentException("--batch must lie in 1..4096, got " + batch);
      }
      try {
        return data == null ? Beir.scifact(split) : Beir.load(data, split);
      } catch (IOException e) {
        throw new UncheckedIOException((data == null ? "bundled SciFact" : data.toString()) + ": cannot read: " + e.getMessage(), e);
      }
    }

    Map<String, Object> describe(String split) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("model", model == null ? "all-MiniLM-L6-v2" : model.toString());
      m.put("max_tokens", maxTokens);
      m.put("data", data == null ? "scifact" : data.toString());
      m.put("split", split);
      m.put("batch", batch);
      return m;
    }
  }

  @Command(name = "eval", mixinStandardHelpOptions = true, sortOptions = false,
      description = {"Embeds the corpus and the split's judged queries, ranks the whole corpus for each query by cosine, exactly and through a",
          "Lucene HNSW index built in the run directory, and reports nDCG@10, MRR@10, Recall@10 and @100 and MAP@100 (trec_eval's",
          "definitions) with HNSW's recall against exact search. Writes RUNDIR/metrics.json."})
  static final class Eval implements Callable<Integer>, EngineOptions.Defaults {
    @Spec
    CommandSpec spec;

    @Mixin
    ModelOptions options;

    @Option(names = "--split", paramLabel = "NAME", defaultValue = Beir.TEST, description = "The qrels split to measure (default: ${DEFAULT-VALUE}).")
    String split;

    @Option(names = "--hnsw", negatable = true, defaultValue = "true", fallbackValue = "true",
        description = "Also search through an HNSW index and compare it with exact search (default: on).")
    boolean hnsw;

    @Mixin
    EngineOptions.Threads threads;

    @Mixin
    RunOptions runOptions;

    @Override
    public int defaultThreads() {
      return EngineOptions.processors();
    }

    @Override
    public Integer call() {
      PrintWriter o = spec.commandLine().getOut();
      PrintWriter err = spec.commandLine().getErr();
      BeirDataset data = options.load(split);
      data.warnings().forEach(w -> err.println("text eval: " + w));
      Map<String, Object> config = options.describe(split);
      config.put("recipe", "text-eval");
      RunDirectory run = runOptions.start("text-eval", config, err);
      try (TextEncoder encoder = TextEncoder.open(options.source(), threads.value(), options.maxTokens)) {
        err.println(String.format(Locale.ROOT, "text eval: %s on %s (%s split): %,d documents, %d judged queries; %s", encoder.source().name(),
            options.data == null ? "SciFact" : options.data, split, data.size(), data.evaluatedQueryIds().size(), encoder.engine()));
        TextEvaluation.Result r = TextEvaluation.evaluate(encoder, data, options.batch, hnsw ? run.file("index") : null, threads.value());
        print(o, r);
        Report report = new Report(run.dir(), "text-eval", spec);
        report.put("config", config).put("metrics", r.toMap());
        report.write("metrics.json", o);
      }
      return 0;
    }
  }

  @Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
      description = {"Fine-tunes the encoder with InfoNCE from the training split's queries to their relevant documents (in-batch negatives,",
          "known positives and repeated documents masked, gradient-cached steps, AdamW with warm-up and linear decay), with a dev measure",
          "after every epoch on held-out training queries, and the test split's measures before and after. Checkpoints every epoch;",
          "--resume continues a stopped run."})
  static final class Train implements Callable<Integer>, EngineOptions.Defaults {
    @Spec
    CommandSpec spec;

    @Mixin
    ModelOptions options;

    @Option(names = "--epochs", paramLabel = "N", description = "Passes over the training pairs (default: 1).")
    Integer epochs;

    @Option(names = "--train-batch", paramLabel = "N", description = "Pairs per step; every query's candidates are the step's documents (default: 32).")
    Integer trainBatch;

    @Option(names = "--chunk", paramLabel = "N", description = "Texts per forward pass of the gradient cache (default: 32).")
    Integer chunk;

    @Option(names = "--lr", paramLabel = "LR", description = "AdamW's peak learning rate (default: 2e-5).")
    Double lr;

    @Option(names = "--warmup", paramLabel = "SHARE", description = "Share of the steps warming up; then a linear decay to 0 (default: 0.1).")
    Double warmup;

    @Option(names = "--temperature", paramLabel = "T", description = "InfoNCE temperature on cosines (default: 0.05, i.e. scale 20).")
    Double temperature;

    @Option(names = "--symmetric", description = "Also pick each document's query among the step's queries.")
    boolean symmetric;

    @Option(names = "--dev", paramLabel = "SHARE", description = "Share of the training queries held out for the dev measure (default: 0.1).")
    Double dev;

    @Option(names = "--train-split", paramLabel = "NAME", defaultValue = "train", description = "The qrels split to train on (default: ${DEFAULT-VALUE}).")
    String trainSplit;

    @Option(names = "--test-split", paramLabel = "NAME", defaultValue = Beir.TEST,
        description = "The split measured before and after (default: ${DEFAULT-VALUE}).")
    String testSplit;

    @Mixin
    EngineOptions.Seed seed;

    @Mixin
    EngineOptions.Threads threads;

    @Mixin
    RunOptions runOptions;

    @Override
    public int defaultThreads() {
      return TextTrainingConfig.defaults().threads();
    }

    TextTrainingConfig config() {
      TextTrainingConfig d = TextTrainingConfig.defaults();
      return new TextTrainingConfig(options.model == null ? null : options.model.toString(), options.data == null ? null : options.data.toString(),
          options.maxTokens, or(epochs, d.epochs()), or(trainBatch, d.batch()), or(chunk, d.chunk()), or(lr, d.lr()), or(warmup, d.warmup()),
          d.weightDecay(), or(temperature, d.temperature()), symmetric, or(dev, d.devShare()), d.devPool(), seed.value, threads.value());
    }

    @Override
    public Integer call() {
      PrintWriter o = spec.commandLine().getOut();
      PrintWriter err = spec.commandLine().getErr();
      TextTrainingConfig c = config();
      BeirDataset train = options.load(trainSplit);
      BeirDataset test = options.load(testSplit);
      Stream.concat(train.warnings().stream(), test.warnings().stream()).distinct().forEach(w -> err.println("text train: " + w));
      Map<String, Object> config = c.toMap();
      config.put("train_split", trainSplit);
      config.put("test_split", testSplit);
      RunDirectory run = runOptions.start("text-train", config, err);
      PairBatches pairs = PairBatches.of(train, c.devShare(), c.seed());
      try (TextEncoder encoder = TextEncoder.open(options.source(), c.threads(), c.maxTokens())) {
        DevEvaluation dev = DevEvaluation.of(train, pairs, c.devPool(), options.batch, c.threads());
        err.println(String.format(Locale.ROOT, "text train: %s; %,d training pairs, %d dev queries ranking a pool of %,d documents; %s",
            encoder.source().name(), pairs.pairs().size(), pairs.devQrels().size(), dev == null ? 0 : dev.poolSize(), encoder.engine()));
        Map<String, Object> before = before(run, encoder, test, err);
        Training.Result<TextTraining.EpochLog> result;
        try (TextTraining recipe = new TextTraining(c, encoder, pairs, dev)) {
          ProgressBar bar = new ProgressBar(err, "pairs", 500);
          result = recipe.run(run, s -> {
            if (s.step() == 1) bar.start(String.format(Locale.ROOT, "epoch %d/%d", s.unit(), c.epochs()), pairs.pairs().size(), 0);
            bar.update(Math.min(pairs.pairs().size(), s.step() * c.batch()), s.loss());
            if (s.step() == s.steps()) bar.finish();
          });
        }
        result.records().forEach(e -> err.println(String.format(Locale.ROOT, "epoch %d: loss %.4f, %.1f pairs/s, dev nDCG@10 %s", e.epoch(), e.meanLoss(),
            e.pairsPerSecond(), e.dev().isEmpty() ? "n/a" : String.format(Locale.ROOT, "%.4f", e.dev().get("ndcg@10")))));
        TextEvaluation.Result after = TextEvaluation.evaluate(encoder, test, options.batch, run.file("index"), c.threads());
        o.println("before training: nDCG@10 " + String.format(Locale.ROOT, "%.4f", (Double) before.get("ndcg@10")));
        o.println("after training:");
        print(o, after);
        Report report = new Report(run.dir(), "text-train", spec);
        report.put("config", config).put("before", before).put("after", after.toMap());
        report.put("epochs", result.records().stream().map(TextTraining.EpochLog::toMap).toList());
        double seconds = result.records().stream().mapToDouble(TextTraining.EpochLog::seconds).sum();
        report.put("training_seconds", seconds).put("pairs_per_second", c.epochs() * pairs.pairs().size() / seconds);
        report.write("metrics.json", o);
      }
      return 0;
    }

    /** The test measures of the model before training: computed once, kept in the run for a resumed run. */
    private Map<String, Object> before(RunDirectory run, TextEncoder encoder, BeirDataset test, PrintWriter err) {
      if (java.nio.file.Files.isRegularFile(run.file("before.json"))) {
        return run.readJson("before.json");
      }
      err.println("text train: measuring the model before training on the " + testSplit + " split ...");
      err.flush();
      Map<String, Object> m = TextEvaluation.evaluate(encoder, test, options.batch, null, threads.value()).toMap();
      run.writeJson("before.json", m);
      return m;
    }
  }

  /** The measures as a small table. */
  static void print(PrintWriter o, TextEvaluation.Result r) {
    Map<String, Double> e = r.retrieval().exact();
    o.println(String.format(Locale.ROOT, "%-8s %8s %8s %10s %11s %8s", "search", "nDCG@10", "MRR@10", "Recall@10", "Recall@100", "MAP@100"));
    o.println(String.format(Locale.ROOT, "%-8s %8.4f %8.4f %10.4f %11.4f %8.4f", "exact", e.get("ndcg@10"), e.get("mrr@10"), e.get("recall@10"),
        e.get("recall@100"), e.get("map@100")));
    Map<String, Double> h = r.retrieval().hnsw();
    if (h != null) {
      o.println(String.format(Locale.ROOT, "%-8s %8.4f %8.4f %10.4f %11.4f %8.4f   (HNSW's top 10 holds %.1f%% of the exact top 10)", "hnsw",
          h.get("ndcg@10"), h.get("mrr@10"), h.get("recall@10"), h.get("recall@100"), h.get("map@100"), 100 * r.retrieval().hnswRecall10()));
    }
    o.println(String.format(Locale.ROOT, "%,d documents embedded at %.1f documents/s (%d cut at the token limit), %d queries (%d cut)", r.documents(),
        r.documentsPerSecond(), r.truncatedDocuments(), r.queries(), r.truncatedQueries()));
    o.flush();
  }
}
