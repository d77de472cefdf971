package jgrad.examples.cli;

import jgrad.core.Rng;
import jgrad.core.Tensor;
import jgrad.core.io.Npy;
import jgrad.losses.Loss;
import jgrad.losses.Losses;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LossCommandTest {
    @TempDir
    Path dir;

    Path write(String name, float[] v, int... shape) throws IOException {
        Path p = dir.resolve(name);
        Npy.write(p, Tensor.wrap(v, shape));
        return p;
    }

    static float[] random(Rng rng, int n, boolean logits) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = logits ? (float) (2 * rng.nextGaussian()) : rng.nextFloat();
        return v;
    }

    @Test
    void printsTheValueAndWritesTheGradientMatchingTheReference() throws IOException {
        Rng rng = new Rng(1);
        int[] shape = {2, 1, 13, 12};
        float[] p = random(rng, 312, true), t = random(rng, 312, false);
        Path pf = write("p.npy", p, shape), tf = write("t.npy", t, shape), gf = dir.resolve("g.npy");
        for (String name : new String[]{"bce-dice", "ssim-b", "berhu"}) {
            CliRun r = CliRun.of("loss", name, "--pred", pf.toString(), "--target", tf.toString(), "--grad", gf.toString());
            assertEquals(0, r.code(), r.err());
            double[] pd = new double[312], td = new double[312];
            for (int i = 0; i < 312; i++) {
                pd[i] = p[i];
                td[i] = t[i];
            }
            Loss.Reference ref = Losses.get(name).reference(pd, td, shape);
            assertEquals(ref.value(), Double.parseDouble(r.lastLine()), 1e-5 * (1 + Math.abs(ref.value())), name);
            Tensor g = Npy.read(gf);
            assertArrayEquals(shape, g.dims());
            float[] gv = g.toArray();
            double gmax = 0;
            for (double v : ref.grad()) gmax = Math.max(gmax, Math.abs(v));
            for (int i = 0; i < gv.length; i++) {
                assertEquals(ref.grad()[i], gv[i], 1e-4 * gmax + 1e-3 * Math.abs(ref.grad()[i]), name + " gradient " + i);
            }
        }
    }

    @Test
    void handComputedValueWithoutGradient() throws IOException {
        // bce of logit 0 against target 1: ln 2
        Path pf = write("p.npy", new float[4], 1, 1, 2, 2), tf = write("t.npy", new float[]{1, 1, 1, 1}, 1, 1, 2, 2);
        CliRun r = CliRun.of("loss", "bce", "--pred", pf.toString(), "--target", tf.toString());
        assertEquals(0, r.code(), r.err());
        assertEquals(Math.log(2), Double.parseDouble(r.lastLine()), 1e-6);
        assertTrue(Files.notExists(dir.resolve("g.npy")));
    }

    @Test
    void unknownNameListsTheKnownOnes() throws IOException {
        Path pf = write("p.npy", new float[4], 1, 1, 2, 2);
        CliRun r = CliRun.of("loss", "dice", "--pred", pf.toString(), "--target", pf.toString());
        assertEquals(1, r.code());
        assertTrue(r.err().contains("unknown loss 'dice'") && r.err().contains(String.join(", ", Losses.names())), r.err());
    }

    @Test
    void shapeMismatchIsReported() throws IOException {
        Path pf = write("p.npy", new float[6], 1, 1, 2, 3), tf = write("t.npy", new float[6], 1, 1, 3, 2);
        CliRun r = CliRun.of("loss", "bce", "--pred", pf.toString(), "--target", tf.toString());
        assertEquals(1, r.code());
        assertTrue(r.err().contains("has shape [1, 1, 2, 3] but target") && r.err().contains("[1, 1, 3, 2]"), r.err());
    }

    @Test
    void nonFiniteInputsAreReported() throws IOException {
        Path pf = write("p.npy", new float[]{0, Float.NaN, 0, 0}, 1, 1, 2, 2), tf = write("t.npy", new float[4], 1, 1, 2, 2);
        CliRun r = CliRun.of("loss", "bce", "--pred", pf.toString(), "--target", tf.toString());
        assertEquals(1, r.code());
        assertTrue(r.err().contains("prediction") && r.err().contains("non-finite value (NaN) at [0, 0, 0, 1]"), r.err());
        Path inf = write("i.npy", new float[]{0, 0, 0, Float.POSITIVE_INFINITY}, 1, 1, 2, 2);
        CliRun r2 = CliRun.of("loss", "bce", "--pred", tf.toString(), "--target", inf.toString());
        assertTrue(r2.err().contains("target") && r2.err().contains("(Infinity) at [0, 0, 1, 1]"), r2.err());
    }

    @Test
    void targetsOutsideZeroToOneAreReported() throws IOException {
        Path pf = write("p.npy", new float[4], 1, 1, 2, 2);
        Path logits = write("t.npy", new float[]{0.5f, 1, -0.25f, 0}, 1, 1, 2, 2); // e.g. the prediction passed as the target
        CliRun r = CliRun.of("loss", "bce", "--pred", pf.toString(), "--target", logits.toString());
        assertEquals(1, r.code(), r.out());
        assertTrue(r.err().contains("target " + logits + " holds -0.25 at [0, 0, 1, 0]") && r.err().contains("[0, 1]"), r.err());
        Path bytes = write("t255.npy", new float[]{0, 255, 0, 0}, 1, 1, 2, 2); // an 8-bit mask not scaled to 0..1
        CliRun r2 = CliRun.of("loss", "dice-b", "--pred", pf.toString(), "--target", bytes.toString());
        assertEquals(1, r2.code(), r2.out());
        assertTrue(r2.err().contains("holds 255.0 at [0, 0, 0, 1]"), r2.err());
    }

    @Test
    void unreadableAndMissingFilesAreReported() throws IOException {
        Path junk = dir.resolve("junk.npy");
        Files.writeString(junk, "not numpy at all");
        Path tf = write("t.npy", new float[4], 1, 1, 2, 2);
        CliRun r = CliRun.of("loss", "bce", "--pred", junk.toString(), "--target", tf.toString());
        assertEquals(1, r.code());
        assertTrue(r.err().contains("cannot read prediction file " + junk) && r.err().contains("not a .npy file"), r.err());
        CliRun r2 = CliRun.of("loss", "bce", "--pred", tf.toString(), "--target", dir.resolve("missing.npy").toString());
        assertEquals(1, r2.code());
        assertTrue(r2.err().contains("target file " + dir.resolve("missing.npy") + " does not exist"), r2.err());
    }

    @Test
    void unwritableGradientFileIsReported() throws IOException {
        Path tf = write("t.npy", new float[4], 1, 1, 2, 2);
        Path out = tf.resolve("g.npy"); // the folder would be a file
        CliRun r = CliRun.of("loss", "bce", "--pred", tf.toString(), "--target", tf.toString(), "--grad", out.toString());
        assertEquals(1, r.code());
        assertTrue(r.err().contains("cannot write gradient file " + out + ": " + tf + " exists and is not a folder"), r.err());
        assertTrue(Files.isRegularFile(tf));
        CliRun folder = CliRun.of("loss", "bce", "--pred", tf.toString(), "--target", tf.toString(), "--grad", dir.toString());
        assertEquals(1, folder.code());
        assertEquals("error: cannot write gradient file " + dir + ": it is a folder", folder.err().strip());
    }

    @Test
    void wrongRankAndTooSmallImagesAreReported() throws IOException {
        Path p2 = write("p2.npy", new float[6], 2, 3);
        CliRun r = CliRun.of("loss", "bce", "--pred", p2.toString(), "--target", p2.toString());
        assertTrue(r.err().contains("bce: expected N×C×H×W inputs, got shape [2, 3]"), r.err());
        Path p4 = write("p4.npy", new float[16], 1, 1, 4, 4);
        CliRun r2 = CliRun.of("loss", "ssim-a", "--pred", p4.toString(), "--target", p4.toString());
        assertTrue(r2.err().contains("smaller than the 11×11"), r2.err());
    }
}
