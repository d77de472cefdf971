package jgrad.losses;

import jgrad.core.cpu.Parallel;

/**
 * Splits {@code groups} consecutive groups of {@code groupSize} elements (the whole batch as one
 * group, or one group per image) into blocks of at most {@link #SIZE} elements that never straddle
 * a group, and runs a body over the blocks on all cores.
 *
 * <p>Block boundaries depend only on the shape, never on the thread count, and per-block partial
 * sums are combined in block order, so reductions are bit-for-bit repeatable run to run.
 */
final class Blocks {
    /**
     * 16 K floats (64 KiB of each input): large enough that per-block overhead vanishes, small
     * enough that the seeds' batch of 128 images of 96×96 gives 72 blocks when flattened (128
     * when per image) to spread over the cores. A single 96×96 image (9 216 elements) is one
     * block, so it runs on one core.
     */
    static final int SIZE = 1 << 14;

    /** Body over one block: elements [from, to) of group {@code group}, block index {@code block}. */
    @FunctionalInterface
    interface Body {
        void run(int block, int group, int from, int to);
    }

    final int groups, groupSize, perGroup, count;

    Blocks(int groups, int groupSize) {
        this.groups = groups;
        this.groupSize = groupSize;
        this.perGroup = (groupSize + SIZE - 1) / SIZE;
        this.count = groups * perGroup;
    }

    int group(int block) {
        return block / perGroup;
    }

    int from(int block) {
        return group(block) * groupSize + (block % perGroup) * SIZE;
    }

    int to(int block) {
        int g = group(block);
        return Math.min(g * groupSize + groupSize, from(block) + SIZE);
    }

    void run(Body body) {
        Parallel.range(count, 1, (a, b) -> {
            for (int k = a; k < b; k++) body.run(k, group(k), from(k), to(k));
        });
    }

    /** Adds per-block partials (k values per block) into per-group totals, in block order. */
    double[] reduce(double[] partial, int k) {
        double[] total = new double[groups * k];
        for (int b = 0; b < count; b++) {
            int g = group(b);
            for (int j = 0; j < k; j++) total[g * k + j] += partial[b * k + j];
        }
        return total;
    }
}
