package jgrad.nn;

import jgrad.core.Rng;
import jgrad.core.Tensor;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class SummaryTest {
    /** Seed A's MaskNet (Conv → ReLU → BN → Dropout blocks, two input branches). */
    static final class MaskNet extends Module {
        final Sequential bg, fgbg, conv1, conv2;
        final Conv2d merge, head;

        MaskNet(Rng rng) {
            bg = registerModule("branch_bg", block(3, 32, 3, 1, rng));
            fgbg = registerModule("branch_fgbg", block(3, 32, 3, 1, rng));
            merge = registerModule("merge", new Conv2d(64, 32, 1, 1, 0, 1, 1, true, rng));
            conv1 = registerModule("conv1", block(32, 64, 3, 1, rng));
            conv2 = registerModule("conv2", block(64, 64, 3, 1, rng));
            head = registerModule("head", new Conv2d(64, 1, 1, 1, 0, 1, 1, true, rng));
        }

        static Sequential block(int in, int out, int k, int pad, Rng rng) {
            return new Sequential(new Conv2d(in, out, k, 1, pad, 1, 1, true, rng), new ReLU(), new BatchNorm2d(out), new Dropout(0.1, rng.fork()));
        }

        @Override
        protected Tensor[] forward(Tensor[] in) {
            Tensor x = Tensor.cat(1, bg.call(in[0]), fgbg.call(in[1]));
            return new Tensor[]{head.call(conv2.call(conv1.call(merge.call(x))))};
        }
    }

    /** The rows of seed A's printed table (224×224 inputs). */
    private static final String[] SEED_ROWS = {
            "            Conv2d-1         [-1, 32, 224, 224]             896",
            "              ReLU-2         [-1, 32, 224, 224]               0",
            "       BatchNorm2d-3         [-1, 32, 224, 224]              64",
            "           Dropout-4         [-1, 32, 224, 224]               0",
            "            Conv2d-5         [-1, 32, 224, 224]             896",
            "              ReLU-6         [-1, 32, 224, 224]               0",
            "       BatchNorm2d-7         [-1, 32, 224, 224]              64",
            "           Dropout-8         [-1, 32, 224, 224]               0",
            "            Conv2d-9         [-1, 32, 224, 224]           2,080",
            "           Conv2d-10         [-1, 64, 224, 224]          18,496",
            "             ReLU-11         [-1, 64, 224, 224]               0",
            "      BatchNorm2d-12         [-1, 64, 224, 224]             128",
            "          Dropout-13         [-1, 64, 224, 224]               0",
            "           Conv2d-14         [-1, 64, 224, 224]          36,928",
            "             ReLU-15         [-1, 64, 224, 224]               0",
            "      BatchNorm2d-16         [-1, 64, 224, 224]             128",
            "          Dropout-17         [-1, 64, 224, 224]               0",
            "           Conv2d-18          [-1, 1, 224, 224]              65",
            "          MaskNet-19          [-1, 1, 224, 224]               0",
    };

    @Test
    void maskNetTableMatchesTheSeedsRows() {
        MaskNet net = new MaskNet(new Rng(1));
        // a small image keeps the test fast; the rows are the seed's with 224 replaced by 16
        Summary s = Summary.of(net, new int[]{3, 16, 16}, new int[]{3, 16, 16});
        String table = s.table();
        for (String row : SEED_ROWS) {
            String small = row.replace("224, 224]", "16, 16]");
            // right-aligned in 25 columns: the shorter shape text moves right by the difference
            String expected = small.substring(0, 22) + " ".repeat(row.length() - small.length()) + small.substring(22);
            assertTrue(table.contains(expected + "\n"), "row\n" + expected + "\nin\n" + table);
        }
        assertEquals(19, s.rows().size());
        assertEquals(59_745, s.totalParams());
        assertEquals(59_745, net.parameterCount());
        assertTrue(table.contains("Total params: 59,745\nTrainable params: 59,745\nNon-trainable params: 0\n"), table);
        assertTrue(table.startsWith("-".repeat(64) + "\n        Layer (type)               Output Shape         Param #\n" + "=".repeat(64) + "\n"), table);
        // per sample: inputs 2·3·16·16 floats; outputs 9 rows of 32·256, 8 of 64·256, 2 of 256
        double mb = 1024.0 * 1024.0;
        assertEquals(2 * 3 * 256 * 4 / mb, s.inputSizeMb(), 1e-12);
        assertEquals(2.0 * (9 * 32 * 256 + 8 * 64 * 256 + 2 * 256) * 4 / mb, s.forwardBackwardSizeMb(), 1e-12);
        assertEquals(59_745 * 4 / mb, s.paramsSizeMb(), 1e-12);
        assertTrue(table.contains(String.format(java.util.Locale.ROOT, "Params size (MB): %.2f\n", 59_745 * 4 / mb)), table);
    }

    /** At 224×224 the memory figures equal the seed's (forward/backward 307.02 MB, params 0.23 MB). */
    @Test
    void seedSizesAt224() {
        // the arithmetic alone, from the rows' shapes, without running a 224×224 forward pass
        long perSample = 9L * 32 * 224 * 224 + 8L * 64 * 224 * 224 + 2L * 224 * 224;
        assertEquals("307.02", String.format(java.util.Locale.ROOT, "%.2f", 2.0 * perSample * 4 / (1024.0 * 1024.0)));
    }

    @Test
    void summaryLeavesModesAndStatisticsAlone() {
        MaskNet net = new MaskNet(new Rng(2));
        net.conv1.get(3).eval(); // one module in eval, the rest training
        BatchNorm2d bn = (BatchNorm2d) net.bg.get(2);
        Summary.of(net, new int[]{3, 8, 8}, new int[]{3, 8, 8});
        assertTrue(net.isTraining());
        assertFalse(net.conv1.get(3).isTraining());
        assertTrue(net.conv1.get(2).isTraining());
        assertEquals(0f, bn.numBatchesTracked.item());
        assertEquals(0f, bn.runningMean.get(0));
    }

    @Test
    void frozenParametersAreNonTrainableAndMultipleOutputsArePrinted() {
        class Two extends Module {
            final Conv2d c = registerModule("c", new Conv2d(1, 2, 1));

            @Override
            protected Tensor[] forward(Tensor[] in) {
                Tensor y = c.call(in[0]);
                return new Tensor[]{y, y.sum(new int[]{1}, true)};
            }
        }
        Two m = new Two();
        m.c.weight.requiresGrad(false);
        Summary s = Summary.of(m, new int[]{1, 4, 4});
        assertEquals(4, s.totalParams());
        assertEquals(2, s.trainableParams());
        assertEquals(2, s.nonTrainableParams());
        assertEquals("[[-1, 2, 4, 4], [-1, 1, 4, 4]]", s.rows().get(1).shapeText());
        assertEquals(List.of("Conv2d-1", "Two-2"), s.rows().stream().map(Summary.Row::name).toList());
        assertThrows(IllegalArgumentException.class, () -> Summary.of(m));
    }

    @Test
    void aModelOnADeviceIsSummarisedWithInputsOnThatDevice() {
        Sequential net = new Sequential(new Conv2d(1, 2, 3, 1, 1, true), new ReLU());
        String onCpu = Summary.of(net, new int[]{1, 4, 4}).table();
        net.to(jgrad.core.EmulatedBackend.DEVICE);
        Summary s = Summary.of(net, new int[]{1, 4, 4});
        assertEquals(onCpu, s.table());
        assertEquals(List.of("Conv2d-1", "ReLU-2"), s.rows().stream().map(Summary.Row::name).toList());
        assertEquals(jgrad.core.EmulatedBackend.DEVICE, net.device(), "the model stays where it was");
    }
}
