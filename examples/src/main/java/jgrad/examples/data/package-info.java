/**
 * Data for the depth + mask task: a synthetic scene generator and readers for both seed layouts.
 *
 * <p><b>Generation</b> ({@link jgrad.examples.data.SceneGenerator}, {@code jgrad generate-data}):
 * {@link jgrad.examples.data.SceneSampler} draws a box room (textured floor, walls, ceiling), a
 * camera, a light and furniture from a seeded {@link jgrad.core.Rng}; each background gets several
 * foreground variants (people-, animal- and box-like objects on the floor). {@link
 * jgrad.examples.data.Scene} ray-casts them: fg_bg is the same scene plus the foreground, the mask
 * is where the nearest hit is a foreground primitive, and the depth is the exact camera-space z,
 * stored as (10 m − z)/(10 m − 1 m) clamped to [0,1], i.e. 1 = near (nearer is brighter); the
 * seeds' depth maps were pseudo-labels of a pretrained DenseDepth network, also in [0,1]. Output
 * is a pure function of the seed.
 *
 * <p><b>Reading</b>: {@link jgrad.examples.data.DatasetIndex} scans and validates a folder (file
 * existence, pairing) up front; {@link jgrad.examples.data.DepthMaskDataset} decodes, checks sizes,
 * resizes and applies a seed's {@link jgrad.examples.data.Preprocessing}; {@link
 * jgrad.examples.data.Split} makes a disjoint seeded train/validation split; {@link
 * jgrad.examples.data.DataLoader} batches into N×C×H×W tensors, decoded ahead by worker threads,
 * with {@link jgrad.examples.data.Augment} photometric jitter on training inputs only.
 *
 * <pre>
 * var ds = DepthMaskDataset.open(dir, OnError.FAIL, 96);     // layout detected from the folder
 * var split = Split.of(ds.size(), 0.3, 1);
 * var train = new DataLoader(ds, split.train(), DataLoader.Options.training(128, 1));
 * try (var epoch = train.epoch(0)) {
 *     while (epoch.hasNext()) { Batch b = epoch.next(); ... b.bg(), b.fgBg(), b.mask(), b.depth() }
 * }
 * </pre>
 */
package jgrad.examples.data;
