package jgrad.examples.models;

import static org.junit.jupiter.api.Assertions.*;

import java.util.Map;

import jgrad.core.GradCheck;
import jgrad.core.Rng;
import jgrad.core.Tensor;
import org.junit.jupiter.api.Test;

/**
 * A training step's forward and backward at a reduced width: every parameter gets a finite,
 * non-zero gradient, and the output layers' gradients equal what the chain rule gives by hand.
 * The loss is L = Σ r_d·depth + Σ r_m·mask with fixed random weights r (a plain mean would hide
 * parameters whose gradient cancels over a batch-normalised channel).
 */
class GradientTest {
    private record Step(Tensor rDepth, Tensor rMask, Tensor headInputDepth, Tensor headInputMask) {}

    /** Runs one forward + backward of model in training mode on 2×3×size×size inputs; records the heads' inputs. */
    private static Step step(JointModel model, int size, jgrad.nn.Module depthHead, jgrad.nn.Module maskHead) {
        Rng r = new Rng(11);
        Tensor bg = Tensor.randn(r, 2, 3, size, size), fgBg = Tensor.randn(r, 2, 3, size, size);
        Tensor[] seen = new Tensor[2];
        var h1 = depthHead == null ? null : depthHead.registerForwardHook((m, in, out) -> seen[0] = in[0]);
        var h2 = maskHead.registerForwardHook((m, in, out) -> seen[1] = in[0]);
        model.train();
        model.zeroGrad();
        JointModel.Output out = model.run(bg, fgBg);
        if (h1 != null) h1.close();
        h2.close();
        Tensor rMask = Tensor.randn(r, out.mask().dims());
        Tensor loss = out.mask().mul(rMask).sum();
        Tensor rDepth = null;
        if (out.hasDepth()) {
            rDepth = Tensor.randn(r, out.depth().dims());
            loss = loss.add(out.depth().mul(rDepth).sum());
        }
        loss.backward();
        for (Map.Entry<String, Tensor> e : model.namedParameters().entrySet()) {
            Tensor g = e.getValue().grad();
            assertNotNull(g, e.getKey() + " has no gradient");
            assertArrayEquals(e.getValue().dims(), g.dims(), e.getKey());
            double max = 0;
            for (float v : g.toArray()) {
                assertTrue(Float.isFinite(v), e.getKey() + " has a non-finite gradient");
                max = Math.max(max, Math.abs(v));
            }
            assertTrue(max > 0, e.getKey() + " has an all-zero gradient");
        }
        return new Step(rDepth, rMask, seen[0], seen[1]);
    }

    private static double sum(Tensor t) {
        double s = 0;
        for (float v : t.toArray()) s += v;
        return s;
    }

    /** dL/dW[0, c] of a 1×1 head y = W·x (+ b): Σ_{n,h,w} r[n,0,h,w]·x[n,c,h,w]. */
    private static void assertHeadWeightGradient(Tensor weight, Tensor x, Tensor r) {
        float[] xs = x.contiguous().toArray(), rs = r.toArray(), g = weight.grad().toArray();
        int n = x.size(0), c = x.size(1), hw = x.size(2) * x.size(3);
        for (int ch = 0; ch < c; ch++) {
            double s = 0;
            for (int i = 0; i < n; i++) for (int p = 0; p < hw; p++) s += (double) rs[i * hw + p] * xs[(i * c + ch) * hw + p];
            assertEquals(s, g[ch], 1e-4 * Math.max(1, Math.abs(s)), "head weight channel " + ch);
        }
    }

    @Test
    void maskNet() {
        MaskNet net = new MaskNet(4, 0.2, new Rng(1));
        Step s = step(net, 8, null, net.convBlock3);
        jgrad.nn.Conv2d head = (jgrad.nn.Conv2d) net.convBlock3.get(0);
        assertEquals(sum(s.rMask()), head.bias.grad().item(), 1e-4);
        assertHeadWeightGradient(head.weight, s.headInputMask(), s.rMask());
    }

    @Test
    void dsResNet() {
        DSResNet net = new DSResNet(2, new Rng(2));
        Step s = step(net, 32, net.d0, net.m0);
        assertEquals(sum(s.rDepth()), net.d0.bias.grad().item(), 1e-4);
        assertEquals(sum(s.rMask()), net.m0.bias.grad().item(), 1e-4);
        assertHeadWeightGradient(net.d0.weight, s.headInputDepth(), s.rDepth());
        assertHeadWeightGradient(net.m0.weight, s.headInputMask(), s.rMask());
    }

    @Test
    void resUNet() {
        ResUNet net = new ResUNet(2, new Rng(3));
        Step s = step(net, 32, net.depthOutput, net.segmentOutput);
        assertHeadWeightGradient(net.depthOutput.weight, s.headInputDepth(), s.rDepth());
        assertHeadWeightGradient(net.segmentOutput.weight, s.headInputMask(), s.rMask());
    }

    /** Finite differences through the whole of a tiny MaskNet (training mode: batch statistics, dropout 0). */
    @Test
    void maskNetGradientCheck() {
        MaskNet net = new MaskNet(2, 0.0, new Rng(4));
        Rng r = new Rng(5);
        Tensor bg = Tensor.randn(r, 2, 3, 4, 4).requiresGrad(true);
        Tensor fgBg = Tensor.randn(r, 2, 3, 4, 4).requiresGrad(true);
        jgrad.nn.Conv2d mid = (jgrad.nn.Conv2d) net.convBlock1.get(1);
        // the inputs, and (perturbed in place, the module holds the same tensors) a middle layer's weight
        GradCheck.assertGradients(in -> net.run(in[0], in[1]).mask(), bg, fgBg, mid.weight);
    }
}
