package jgrad.examples.experiments;

import jgrad.core.Rng;
import jgrad.core.Tensor;
import jgrad.examples.data.Augment;
import jgrad.examples.data.DataException;
import jgrad.examples.data.DataLoader;
import jgrad.examples.data.DepthMaskDataset;
import jgrad.examples.data.OnError;
import jgrad.examples.data.Sample;
import jgrad.examples.data.Split;
import jgrad.nn.train.Batch;
import jgrad.nn.train.DataSource;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;

/**
 * The data of an experiment: a dataset folder, a disjoint train / validation split grouped by
 * background (no background in both parts; with fewer backgrounds than that needs, a split by
 * image, see {@link #splitByBackground()}), each part cut to the configured count, and
 * {@link DataSource}s for the trainer with inputs {bg, fg_bg} and targets {depth, mask}.
 *
 * <p>When the decoded training and validation samples fit in {@value #IN_MEMORY_LIMIT_MB} MB they
 * are decoded once and kept as float arrays ({@link #inMemory}), so that the nine runs of a loss
 * comparison decode nothing again; a training epoch then visits the samples in a Fisher–Yates order
 * from {@code Rng(seed·1000003 + epoch)}. Larger sets are streamed from disk through {@link DataLoader}
 * with its prefetching workers. Photometric augmentation is only available when streaming.
 */
public final class ExperimentData {
    static final long IN_MEMORY_LIMIT_MB = 1024;

    private final DepthMaskDataset dataset;
    private final int batch;
    private final long seed;
    private final boolean augment;
    private final int workers;
    private final boolean byBackground;
    private final OnError onError;
    /** Samples left out with on-error = skip: the index's, then those that failed to decode. */
    private final List<String> skipped;
    private final List<DataLoader> loaders = new ArrayList<>();
    /** Streamed validation samples that did not decode for the prediction grid (on-error = skip). */
    private final Map<Integer, String> gridSkipped = new LinkedHashMap<>();
    private int[] train, val;
    private Sample[] trainSamples, valSamples;

    private ExperimentData(DepthMaskDataset dataset, int[] train, int[] val, int batch, long seed, boolean augment, int workers,
                           boolean byBackground, OnError onError) {
        this.dataset = dataset;
        this.train = train;
        this.val = val;
        this.batch = batch;
        this.seed = seed;
        this.augment = augment;
        this.workers = workers;
        this.byBackground = byBackground;
        this.onError = onError;
        this.skipped = new ArrayList<>(dataset.index().skipped());
    }

    /** Opens the folder (layout detected) and splits it as the configuration says. */
    public static ExperimentData open(Path root, Config c) {
        return open(root, c, null);
    }

    /**
     * As {@link #open(Path, Config)}; a train or val count larger than its part of the split is
     * cut to the part, and {@code log} (when not null) gets a line saying so.
     */
    public static ExperimentData open(Path root, Config c, PrintStream log) {
        if (!Files.isDirectory(root)) throw new IllegalArgumentException("data folder " + root + " does not exist");
        int size = c.integer("size", 1);
        OnError onError = c.choice("on-error", "fail", "skip").equals("skip") ? OnError.SKIP : OnError.FAIL;
        DepthMaskDataset ds = DepthMaskDataset.open(root, onError, size);
        if (ds.size() < 2) throw new IllegalArgumentException("data folder " + root + " holds " + ds.size() + " samples; at least 2 are needed");
        long seed = c.integer("seed", 0);
        Split split = Split.grouped(ds.index().backgroundGroups(), c.number("val-fraction"), seed);
        boolean byBackground = true;
        if (split.train().length == 0 || split.validation().length == 0) {
            split = Split.of(ds.size(), c.number("val-fraction"), seed); // too few backgrounds to group
            byBackground = false;
        }
        int askedTrain = c.integer("train", 0), askedVal = c.integer("val", 0);
        int[] tr = cut(split.train(), askedTrain, seed);
        int[] va = cut(split.validation(), askedVal, seed + 1);
        List<String> cuts = new ArrayList<>();
        if (askedTrain > tr.length) cuts.add(cutNote("train", askedTrain, "training", tr.length));
        if (askedVal > va.length) cuts.add(cutNote("val", askedVal, "validation", va.length));
        if (log != null && !cuts.isEmpty()) log.println("Note: " + String.join("; ", cuts) + " (data " + root + ")");
        if (tr.length == 0 || va.length == 0) {
            throw new IllegalArgumentException("the split of " + ds.size() + " samples left " + tr.length + " for training and "
                    + va.length + " for validation; use more data or another val-fraction");
        }
        ExperimentData d = new ExperimentData(ds, tr, va, c.integer("batch", 1), seed, c.bool("augment"), c.integer("workers", 1),
                byBackground, onError);
        if (onError == OnError.SKIP && d.inMemory()) d.decode(); // the counts then leave out what does not decode
        return d;
    }

    private static String cutNote(String key, int asked, String part, int held) {
        return key + " = " + asked + ", but the " + part + " part holds " + held + (held == 1 ? " image" : " images") + ": using all " + held;
    }

    /** The first {@code n} of a seeded shuffle of the indices, sorted (all when n is 0 or larger). */
    static int[] cut(int[] idx, int n, long seed) {
        if (n <= 0 || n >= idx.length) return idx;
        int[] a = idx.clone();
        Rng r = new Rng(seed * 31 + 7);
        for (int i = a.length - 1; i > 0; i--) {
            int j = r.nextInt(i + 1);
            int t = a[i]; a[i] = a[j]; a[j] = t;
        }
        int[] out = Arrays.copyOf(a, n);
        Arrays.sort(out);
        return out;
    }

    public DepthMaskDataset dataset() { return dataset; }
    public int trainCount() { return train.length; }
    public int valCount() { return val.length; }
    public int size() { return dataset.height(); }

    /**
     * Whether the split kept backgrounds whole (no background in both parts). False when the
     * folder has too few backgrounds for that and the images were split one by one instead.
     */
    public boolean splitByBackground() { return byBackground; }

    /** How the two parts relate, for logs and reports. */
    public String splitDescription() {
        return byBackground ? "disjoint, split by background"
                : "disjoint images, but too few backgrounds to split by background: backgrounds appear in both parts";
    }

    /** Whether both parts are small enough to keep decoded in memory (and no augmentation is asked for). */
    public boolean inMemory() {
        long bytes = (long) (train.length + val.length) * dataset.height() * dataset.width() * 8 * 4;
        return !augment && bytes <= IN_MEMORY_LIMIT_MB << 20;
    }

    /**
     * Samples left out so far with on-error = skip, each naming its file: those the index dropped,
     * those that did not decode (all known after opening when the data is kept in memory; when it
     * is streamed, those met so far).
     */
    public List<String> skipped() {
        List<String> out = new ArrayList<>(skipped);
        // each sample once, also when it failed in several loaders (every run of a comparison makes its own)
        Map<Integer, String> streamed = new LinkedHashMap<>(gridSkipped);
        synchronized (loaders) {
            for (DataLoader l : loaders) l.skippedSamples().forEach(streamed::putIfAbsent);
        }
        out.addAll(streamed.values());
        return out;
    }

    /** "" when nothing was skipped, else how many samples were left out and the first reason. */
    public String skippedNote() {
        List<String> s = skipped();
        return s.isEmpty() ? "" : s.size() + (s.size() == 1 ? " sample" : " samples") + " skipped (on-error = skip), the first: " + s.get(0);
    }

    private void decode() {
        if (trainSamples != null) return;
        Sample[] tr = new Sample[train.length], va = new Sample[val.length];
        String[] failed = new String[train.length + val.length];
        java.util.stream.IntStream.range(0, train.length + val.length).parallel().forEach(k -> {
            int i = k < train.length ? train[k] : val[k - train.length];
            Sample s;
            try {
                s = dataset.load(i, null);
            } catch (DataException e) {
                if (onError == OnError.FAIL) throw e;
                failed[k] = e.getMessage();
                return;
            }
            if (k < train.length) tr[k] = s;
            else va[k - train.length] = s;
        });
        for (String f : failed) if (f != null) skipped.add(f);
        trainSamples = Arrays.stream(tr).filter(java.util.Objects::nonNull).toArray(Sample[]::new);
        valSamples = Arrays.stream(va).filter(java.util.Objects::nonNull).toArray(Sample[]::new);
        train = Arrays.stream(trainSamples).mapToInt(Sample::index).toArray();
        val = Arrays.stream(valSamples).mapToInt(Sample::index).toArray();
        if (train.length == 0 || val.length == 0) {
            throw new IllegalArgumentException("after leaving out " + skipped.size() + " samples that could not be read, " + train.length
                    + " remain for training and " + val.length + " for validation");
        }
    }

    /** Training batches; epoch e (1-based) is shuffled by its own seed, so a resumed run sees the same order. */
    public DataSource trainSource(int firstEpoch) {
        int[] epoch = {firstEpoch - 1};
        if (inMemory()) {
            decode();
            return new ArraySource(trainSamples, batch, true, seed, epoch);
        }
        DataLoader.Options o = new DataLoader.Options(batch, true, false, augment ? Augment.standard() : null, seed, workers,
                2 * workers, onError);
        return streaming(loader(train, o), epoch);
    }

    public DataSource valSource() {
        if (inMemory()) {
            decode();
            return new ArraySource(valSamples, batch, false, seed, new int[]{0});
        }
        DataLoader.Options o = DataLoader.Options.validation(batch).withWorkers(workers, 2 * workers).withOnError(onError);
        return streaming(loader(val, o), new int[]{0});
    }

    private DataLoader loader(int[] indices, DataLoader.Options o) {
        DataLoader l = new DataLoader(dataset, indices, o);
        synchronized (loaders) {
            loaders.add(l);
        }
        return l;
    }

    /**
     * {@code n} validation samples spread evenly over the validation set (for prediction grids).
     * When streaming with on-error = skip, a sample that does not decode is left out (and counted)
     * and the next validation sample that does takes its place.
     */
    public Sample[] gridSamples(int n) {
        int k = Math.min(n, val.length);
        List<Sample> out = new ArrayList<>(k);
        int next = 0; // the grid's samples are in increasing positions, none used twice
        for (int i = 0; i < k; i++) {
            // spread over the validation set, which is grouped by background, so the rows differ
            int at = Math.max(next, (int) ((long) i * val.length / k));
            Sample s = null;
            for (; s == null && at < val.length; at++) {
                if (valSamples != null) {
                    s = valSamples[at];
                    continue;
                }
                try {
                    s = dataset.load(val[at], null);
                } catch (DataException e) {
                    if (onError == OnError.FAIL) throw e;
                    gridSkipped.putIfAbsent(val[at], e.getMessage());
                }
            }
            if (s == null) break;
            out.add(s);
            next = at;
        }
        return out.toArray(Sample[]::new);
    }

    private static DataSource streaming(DataLoader loader, int[] epoch) {
        return new DataSource() {
            @Override
            public Iterator<Batch> iterator() {
                DataLoader.Epoch it = loader.epoch(++epoch[0]);
                // AutoCloseable, so a consumer that stops early (an exception, the end of an LR
                // sweep) stops the epoch's workers: see DataSource.close
                final class EpochIterator implements Iterator<Batch>, AutoCloseable {
                    @Override
                    public boolean hasNext() {
                        return it.hasNext();
                    }

                    @Override
                    public Batch next() {
                        return toTrainer(it.next());
                    }

                    @Override
                    public void close() {
                        it.close();
                    }
                }
                return new EpochIterator();
            }

            @Override
            public int batchCount() {
                return loader.batchesPerEpoch();
            }
        };
    }

    static Batch toTrainer(jgrad.examples.data.Batch b) {
        return new Batch(new Tensor[]{b.bg(), b.fgBg()}, new Tensor[]{b.depth(), b.mask()});
    }

    /** Batches stacked from decoded samples. */
    private static final class ArraySource implements DataSource {
        private final Sample[] samples;
        private final int batch;
        private final boolean shuffle;
        private final long seed;
        private final int[] epoch;

        ArraySource(Sample[] samples, int batch, boolean shuffle, long seed, int[] epoch) {
            this.samples = samples;
            this.batch = batch;
            this.shuffle = shuffle;
            this.seed = seed;
            this.epoch = epoch;
        }

        @Override
        public int batchCount() {
            return (samples.length + batch - 1) / batch;
        }

        @Override
        public Iterator<Batch> iterator() {
            int[] order = new int[samples.length];
            for (int i = 0; i < order.length; i++) order[i] = i;
            if (shuffle) {
                Rng r = new Rng(seed * 1_000_003L + (++epoch[0]));
                for (int i = order.length - 1; i > 0; i--) {
                    int j = r.nextInt(i + 1);
                    int t = order[i]; order[i] = order[j]; order[j] = t;
                }
            }
            return new Iterator<>() {
                int pos;

                @Override
                public boolean hasNext() {
                    return pos < order.length;
                }

                @Override
                public Batch next() {
                    if (!hasNext()) throw new NoSuchElementException();
                    int n = Math.min(batch, order.length - pos);
                    Sample[] s = new Sample[n];
                    for (int k = 0; k < n; k++) s[k] = samples[order[pos + k]];
                    pos += n;
                    return stack(s);
                }
            };
        }
    }

    /** Stacks samples into a trainer batch: inputs {bg, fg_bg}, targets {depth, mask}. */
    public static Batch stack(Sample[] s) {
        int n = s.length, h = s[0].height(), w = s[0].width(), plane = h * w;
        float[] bg = new float[n * 3 * plane], fg = new float[n * 3 * plane], m = new float[n * plane], d = new float[n * plane];
        for (int k = 0; k < n; k++) {
            System.arraycopy(s[k].bg(), 0, bg, k * 3 * plane, 3 * plane);
            System.arraycopy(s[k].fgBg(), 0, fg, k * 3 * plane, 3 * plane);
            System.arraycopy(s[k].mask(), 0, m, k * plane, plane);
            System.arraycopy(s[k].depth(), 0, d, k * plane, plane);
        }
        return new Batch(new Tensor[]{Tensor.wrap(bg, n, 3, h, w), Tensor.wrap(fg, n, 3, h, w)},
                new Tensor[]{Tensor.wrap(d, n, 1, h, w), Tensor.wrap(m, n, 1, h, w)});
    }
}
