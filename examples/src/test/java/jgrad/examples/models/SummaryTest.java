package jgrad.examples.models;

import static org.junit.jupiter.api.Assertions.*;

import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

import jgrad.core.Rng;
import jgrad.core.Tensor;
import jgrad.examples.cli.CliRun;
import jgrad.nn.Module;
import jgrad.nn.Summary;
import org.junit.jupiter.api.Test;

/** The models' summary tables, against seed A's printed MaskNet table, and the {@code jgrad summary} command. */
class SummaryTest {
    /** Seed A's torchsummary rows for MaskNet at 224×224, as printed in its write-up. */
    private static final String SEED_A_MASKNET = """
                        Conv2d-1         [-1, 32, 224, 224]             896
                          ReLU-2         [-1, 32, 224, 224]               0
                   BatchNorm2d-3         [-1, 32, 224, 224]              64
                       Dropout-4         [-1, 32, 224, 224]               0
                        Conv2d-5         [-1, 32, 224, 224]             896
                          ReLU-6         [-1, 32, 224, 224]               0
                   BatchNorm2d-7         [-1, 32, 224, 224]              64
                       Dropout-8         [-1, 32, 224, 224]               0
                        Conv2d-9         [-1, 32, 224, 224]           2,080
                       Conv2d-10         [-1, 64, 224, 224]          18,496
                         ReLU-11         [-1, 64, 224, 224]               0
                  BatchNorm2d-12         [-1, 64, 224, 224]             128
                      Dropout-13         [-1, 64, 224, 224]               0
                       Conv2d-14         [-1, 64, 224, 224]          36,928
                         ReLU-15         [-1, 64, 224, 224]               0
                  BatchNorm2d-16         [-1, 64, 224, 224]             128
                      Dropout-17         [-1, 64, 224, 224]               0
                       Conv2d-18          [-1, 1, 224, 224]              65
                      MaskNet-19          [-1, 1, 224, 224]               0
            """;

    @Test
    void maskNetAt224MatchesSeedATable() {
        Summary s = Summary.of(Models.create("masknet", ModelOptions.defaults().withSeed(1)), new int[]{3, 224, 224},
                new int[]{3, 224, 224});
        String table = s.table();
        List<String> seedRows = SEED_A_MASKNET.lines().map(String::strip).toList();
        assertEquals(19, seedRows.size());
        assertEquals(19, s.rows().size());
        for (int i = 0; i < seedRows.size(); i++) {
            // name, shape and count, compared as the seed's whitespace-separated columns
            String[] seed = seedRows.get(i).split("\\s{2,}");
            Summary.Row row = s.rows().get(i);
            assertEquals(seed[0], row.name(), "row " + (i + 1));
            assertEquals(seed[1], row.shapeText(), "row " + (i + 1));
            assertEquals(Long.parseLong(seed[2].replace(",", "")), row.params(), "row " + (i + 1));
            // and the printed line is the seed's line
            assertTrue(table.contains(SEED_A_MASKNET.lines().toList().get(i).substring(4) + "\n"), seedRows.get(i));
        }
        assertTrue(table.contains("Total params: 59,745\nTrainable params: 59,745\nNon-trainable params: 0\n"), table);
        // the seed's memory lines, except the input size: torchsummary multiplied the two input
        // shapes (86,436.00 MB); the sum of the two 3×224×224 float inputs is 1.15 MB
        assertTrue(table.contains("Forward/backward pass size (MB): 307.02\n"), table);
        assertTrue(table.contains("Params size (MB): 0.23\n"), table);
        assertTrue(table.contains("Input size (MB): 1.15\n"), table);
    }

    /** Every module that owns parameters runs exactly once, so the table's total is the model's count. */
    @Test
    void jointModelsRunEveryLayerOnce() {
        for (String name : new String[]{"dsresnet", "resunet"}) {
            JointModel m = Models.create(name, ModelOptions.defaults().withSeed(2));
            Summary s = Summary.of(m, new int[]{3, 32, 32}, new int[]{3, 32, 32});
            assertEquals(Models.entry(name).publishedParameters(), s.totalParams(), name);
            assertEquals(m.parameterCount(), s.totalParams(), name);
            Map<Module, Integer> calls = new IdentityHashMap<>();
            for (Summary.Row r : s.rows()) calls.merge(r.module(), 1, Integer::sum);
            for (var e : m.namedModules().entrySet()) {
                if (!e.getValue().localParameters().isEmpty()) {
                    assertEquals(1, calls.getOrDefault(e.getValue(), 0), name + " module " + e.getKey());
                }
            }
            Summary.Row last = s.rows().get(s.rows().size() - 1);
            assertSame(m, last.module());
            assertEquals("[[-1, 1, 32, 32], [-1, 1, 32, 32]]", last.shapeText(), name);
        }
    }

    @Test
    void dsResNetRowsFollowTheSeedsCallOrder() {
        Summary s = Summary.of(new DSResNet(1, new Rng(3)), new int[]{3, 64, 64}, new int[]{3, 64, 64});
        List<Summary.Row> rows = s.rows();
        // b1: the 1×1 skip conv runs first, then the double conv's two Conv → ReLU → BN, the block, then the pool
        assertEquals("Conv2d-1", rows.get(0).name());
        assertEquals("[-1, 1, 64, 64]", rows.get(0).shapeText());
        assertEquals(3 + 1, rows.get(0).params());
        assertEquals(List.of("Conv2d", "ReLU", "BatchNorm2d", "Conv2d", "ReLU", "BatchNorm2d", "DoubleConvBlock", "MaxPool2d",
                "ResEncoderBlock"), rows.subList(1, 10).stream().map(r -> r.module().typeName()).toList());
        assertEquals("[[-1, 1, 32, 32], [-1, 1, 64, 64]]", rows.get(9).shapeText());
        // the bottom of the encoder is enc4 at H/32 = 2 with 32 channels, and it is not pooled
        Summary.Row enc4 = rows.stream().filter(r -> r.module() instanceof DSResNet.ResEncoderBlock && r.shapeText().contains("32, 2, 2"))
                .findFirst().orElseThrow();
        assertEquals("[-1, 32, 2, 2]", enc4.shapeText());
    }

    // ---- the command ---------------------------------------------------------------------------

    @Test
    void commandPrintsTheTableAndTotals() {
        CliRun r = CliRun.of("summary", "masknet", "--size", "32");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().startsWith("MaskNet (masknet), width 32, inputs bg and fg_bg of 3x32x32 each\n"), r.out());
        assertTrue(r.out().contains("Total params: 59,745\n"), r.out());
        assertTrue(r.out().contains("          MaskNet-19            [-1, 1, 32, 32]               0\n"), r.out());

        r = CliRun.of("summary", "dsresnet", "--size", "32");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("Total params: 10,343,490\n"), r.out());
        r = CliRun.of("summary", "ResUNet", "--size", "32x16");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("Total params: 15,855,712\n"), r.out());
        assertTrue(r.out().contains("[[-1, 1, 32, 16], [-1, 1, 32, 16]]"), r.out());
        r = CliRun.of("summary", "dsresnet", "--size", "32", "--width", "4");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("width 4") && r.out().contains("Total params: 649,554\n"), r.out());
    }

    @Test
    void commandWidthFullIsThePublishedWidthAsInTraining() {
        CliRun published = CliRun.of("summary", "masknet", "--size", "16");
        assertEquals(0, published.code(), published.err());
        assertTrue(published.out().startsWith("MaskNet (masknet), width 32,"), published.out());
        for (String full : new String[]{"full", "FULL", "0"}) {
            CliRun r = CliRun.of("summary", "masknet", "--size", "16", "--width", full);
            assertEquals(0, r.code(), r.err());
            assertEquals(published.out(), r.out(), "--width " + full);
        }
        CliRun bad = CliRun.of("summary", "masknet", "--size", "16", "--width", "wide");
        assertEquals(2, bad.code());
        assertTrue(bad.err().contains("--width must be a base channel count or 'full', got 'wide'"), bad.err());
        CliRun negative = CliRun.of("summary", "masknet", "--size", "16", "--width", "-1");
        assertEquals(2, negative.code());
        assertTrue(negative.err().contains("--width must be at least 1"), negative.err());
    }

    @Test
    void commandBatchSetsTheShapesAndScalesTheSizes() {
        CliRun plain = CliRun.of("summary", "masknet", "--size", "16", "--width", "2");
        CliRun batched = CliRun.of("summary", "masknet", "--size", "16", "--width", "2", "--batch", "8");
        assertEquals(0, batched.code(), batched.err());
        // the head Conv1×1(2w→1) at w = 2: 4 weights and a bias
        assertTrue(batched.out().contains("           Conv2d-18             [8, 1, 16, 16]               5\n"), batched.out());
        assertFalse(batched.out().contains("[-1,"), batched.out());
        // input: 8 samples × 2 images × 3×16×16 floats
        assertTrue(batched.out().contains(String.format(java.util.Locale.ROOT, "Input size (MB): %.2f\n", 8 * 2 * 3 * 256 * 4 / 1048576.0)),
                batched.out());
        // everything but the shapes and sizes is the unbatched table's
        assertEquals(plain.out().lines().filter(l -> l.contains("params")).toList(),
                batched.out().lines().filter(l -> l.contains("params")).toList());
        assertEquals(plain.out().lines().count(), batched.out().lines().count());
    }

    @Test
    void commandErrorsAndHelp() {
        CliRun r = CliRun.of("summary", "unet");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("unknown model 'unet'; known models: masknet, dsresnet, resunet"), r.err());
        r = CliRun.of("summary", "dsresnet", "--size", "48");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("dsresnet needs H and W that are multiples of 32, got --size 48"), r.err());
        r = CliRun.of("summary", "masknet", "--size", "0");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("--size must be a positive side"), r.err());
        r = CliRun.of("summary", "masknet", "--size", "8", "--batch", "0");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("--batch must be at least 1"), r.err());
        r = CliRun.of("summary", "--help");
        assertEquals(0, r.code());
        for (String s : new String[]{"--size", "--batch", "--width", "NAME", "masknet", "dsresnet", "resunet", "10,343,490"}) {
            assertTrue(r.out().contains(s), s + " in\n" + r.out());
        }
        r = CliRun.of("--help");
        assertTrue(r.out().contains("summary"), r.out());
    }
}
