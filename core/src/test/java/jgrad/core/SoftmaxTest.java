package jgrad.core;

import static jgrad.core.ElementwiseTest.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SoftmaxTest {
    @Test
    void softmaxByHandAndStableForLargeLogits() {
        double z = Math.exp(1) + Math.exp(2) + Math.exp(3);
        Tensor x = Tensor.of(new float[]{1, 2, 3, 1000, 1001, 1002}, 2, 3);
        float[] row = {(float) (Math.exp(1) / z), (float) (Math.exp(2) / z), (float) (Math.exp(3) / z)};
        assertClose(new float[]{row[0], row[1], row[2], row[0], row[1], row[2]}, Functional.softmax(x, 1), 1e-6);
        float[] log = {(float) (1 - Math.log(z)), (float) (2 - Math.log(z)), (float) (3 - Math.log(z))};
        assertClose(new float[]{log[0], log[1], log[2], log[0], log[1], log[2]}, Functional.logSoftmax(x, -1), 1e-5);
        // along dim 0 the columns sum to one
        assertClose(new float[]{1, 1, 1}, Functional.softmax(x.sub(500f), 0).sum(new int[]{0}, false), 1e-6);
    }

    @Test
    void logSoftmaxAndCrossEntropyGradients() {
        Tensor x = Tensor.randn(new Rng(11), 3, 4, 2).requiresGrad(true);
        GradCheck.assertGradients(in -> Functional.logSoftmax(in[0], 1).mul(Tensor.arange(8).reshape(1, 4, 2)), x);
        Tensor target = Tensor.of(new float[]{0, 3, 1, 1, 2, 0}, 3, 2);
        GradCheck.assertGradients(in -> Functional.crossEntropy(in[0], target), x);
    }

    @Test
    void crossEntropyByHandWithItsClosedFormGradient() {
        Tensor logits = Tensor.of(new float[]{1, 2, 3, 1, 1, 1}, 2, 3).requiresGrad(true);
        Tensor loss = Functional.crossEntropy(logits, Tensor.of(new float[]{2, 0}, 2));
        double z = Math.exp(1) + Math.exp(2) + Math.exp(3);
        double want = (-(3 - Math.log(z)) + Math.log(3)) / 2;
        assertEquals(want, loss.item(), 1e-6);
        loss.backward();
        // (softmax − onehot) / N
        float[] g = {(float) (Math.exp(1) / z / 2), (float) (Math.exp(2) / z / 2), (float) ((Math.exp(3) / z - 1) / 2),
                (float) ((1.0 / 3 - 1) / 2), (float) (1.0 / 6), (float) (1.0 / 6)};
        assertClose(g, logits.grad(), 1e-6);
        // per pixel (N×C×H×W against N×H×W) equals the same positions as rows of an N·H·W × C matrix
        Tensor img = Tensor.randn(new Rng(4), 2, 3, 2, 2);
        Tensor t = Tensor.of(new float[]{0, 1, 2, 2, 1, 0, 0, 1}, 2, 2, 2);
        Tensor rows = img.permute(0, 2, 3, 1).reshape(8, 3);
        assertEquals(Functional.crossEntropy(rows, t.reshape(8)).item(), Functional.crossEntropy(img, t).item(), 1e-6);
    }

    @Test
    void crossEntropyRefusesABadTarget() {
        Tensor logits = Tensor.zeros(2, 3);
        var shape = assertThrows(IllegalArgumentException.class, () -> Functional.crossEntropy(logits, Tensor.zeros(2, 3)));
        assertTrue(shape.getMessage().contains("without the class dim, [2]"), shape.getMessage());
        for (float bad : new float[]{3, -1, 1.5f}) {
            var e = assertThrows(IllegalArgumentException.class, () -> Functional.crossEntropy(logits, Tensor.of(new float[]{0, bad}, 2)));
            assertTrue(e.getMessage().contains("not a class index in [0, 3)"), e.getMessage());
        }
    }
}
