package jgrad.nn;

import jgrad.core.Device;
import jgrad.core.Rng;
import jgrad.core.Tensor;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

class ModuleTest {
    /** A block with its own parameter and buffer and a child. */
    static final class Block extends Module {
        final Tensor weight = registerParameter("weight", Tensor.ones(2));
        final Tensor running = registerBuffer("running", Tensor.zeros(2));
        final BatchNorm2d bn = registerModule("bn", new BatchNorm2d(2));

        @Override
        protected Tensor forward(Tensor x) {
            return bn.call(x).mul(weight.view(1, 2, 1, 1));
        }
    }

    /** Registers a child before its own parameter: PyTorch still lists own entries first. */
    static final class Net extends Module {
        final Block enc1 = registerModule("enc1", new Block());
        final Tensor alpha = registerParameter("alpha", Tensor.full(0.5f, 1));
        final Linear head = registerModule("head", new Linear(3, 2, true, new Rng(1)));
        final Tensor steps = registerBuffer("steps", Tensor.scalar(0));

        @Override
        protected Tensor forward(Tensor x) {
            return enc1.call(x).mul(alpha);
        }
    }

    /** Two inputs, two outputs, like (bg, fg_bg) → (depth, mask). */
    static final class TwoInTwoOut extends Module {
        final Tensor w = registerParameter("w", Tensor.full(2f, 1));

        @Override
        protected Tensor[] forward(Tensor[] in) {
            if (in.length != 2) throw new IllegalArgumentException("TwoInTwoOut: takes (bg, fg_bg), got " + in.length + " inputs");
            return new Tensor[]{in[0].add(in[1]).mul(w), in[0].sub(in[1])};
        }
    }

    @Test
    void namesFollowPyTorchOrder() {
        Net net = new Net();
        assertEquals(List.of("alpha", "steps", "enc1.weight", "enc1.running", "enc1.bn.weight", "enc1.bn.bias",
                "enc1.bn.running_mean", "enc1.bn.running_var", "enc1.bn.num_batches_tracked", "head.weight", "head.bias"),
                List.copyOf(net.stateDict().keySet()));
        assertEquals(List.of("alpha", "enc1.weight", "enc1.bn.weight", "enc1.bn.bias", "head.weight", "head.bias"),
                List.copyOf(net.namedParameters().keySet()));
        assertEquals(List.of("steps", "enc1.running", "enc1.bn.running_mean", "enc1.bn.running_var", "enc1.bn.num_batches_tracked"),
                List.copyOf(net.namedBuffers().keySet()));
        assertEquals(List.of("", "enc1", "enc1.bn", "head"), List.copyOf(net.namedModules().keySet()));
        assertSame(net.alpha, net.parameters().get(0));
        for (Tensor p : net.parameters()) assertTrue(p.requiresGrad());
    }

    /** One BatchNorm2d registered under two names, as a weight-tied model would. */
    static final class Shared extends Module {
        final BatchNorm2d bn = registerModule("a", new BatchNorm2d(2));

        Shared() {
            registerModule("b", bn);
        }
    }

    @Test
    void aSharedLayerIsListedOnceExceptInTheStateDict() {
        Shared s = new Shared();
        // PyTorch: named_parameters() and named_buffers() drop a tensor already seen; state_dict() keeps every name
        assertEquals(List.of("a.weight", "a.bias"), List.copyOf(s.namedParameters().keySet()));
        assertEquals(List.of("a.running_mean", "a.running_var", "a.num_batches_tracked"), List.copyOf(s.namedBuffers().keySet()));
        assertEquals(List.of("a.weight", "a.bias", "a.running_mean", "a.running_var", "a.num_batches_tracked",
                "b.weight", "b.bias", "b.running_mean", "b.running_var", "b.num_batches_tracked"), List.copyOf(s.stateDict().keySet()));
        assertEquals(4, s.parameterCount());
        assertEquals(List.of("", "a"), List.copyOf(s.namedModules().keySet()));
    }

    @Test
    void countsParameters() {
        Net net = new Net();
        assertEquals(1 + 2 + 2 + 2 + 6 + 2, net.parameterCount());
        net.head.weight.requiresGrad(false);
        assertEquals(1 + 2 + 2 + 2 + 2, net.trainableParameterCount());
    }

    @Test
    void trainAndEvalAreRecursive() {
        Net net = new Net();
        assertTrue(net.enc1.bn.isTraining());
        net.eval();
        assertFalse(net.isTraining());
        assertFalse(net.enc1.bn.isTraining());
        assertFalse(net.head.isTraining());
        net.train();
        assertTrue(net.enc1.bn.isTraining());
    }

    @Test
    void zeroGradClearsEveryParameter() {
        Net net = new Net();
        Tensor x = Tensor.randn(new Rng(3), 2, 2, 3, 3);
        net.call(x).sum().backward();
        assertNotNull(net.alpha.grad());
        assertNotNull(net.enc1.bn.weight.grad());
        net.zeroGrad();
        for (Tensor p : net.parameters()) assertNull(p.grad());
    }

    @Test
    void strictLoadListsEveryProblemAndChangesNothing() {
        Net net = new Net();
        Map<String, Tensor> state = new java.util.LinkedHashMap<>();
        net.stateDict().forEach((k, v) -> state.put(k, Tensor.full(7f, v.dims())));
        state.remove("enc1.weight");
        state.remove("head.bias");
        state.put("enc1.extra", Tensor.ones(1));
        state.put("decoder.weight", Tensor.ones(1));
        state.put("alpha", Tensor.ones(3));
        state.put("head.weight", Tensor.ones(3, 2));
        float[] alphaBefore = net.alpha.toArray(), headBefore = net.head.weight.toArray();
        var e = assertThrows(IllegalArgumentException.class, () -> net.loadStateDict(state));
        String msg = e.getMessage();
        for (String s : new String[]{"missing keys: enc1.weight, head.bias", "unexpected keys: enc1.extra, decoder.weight",
                "alpha (checkpoint [3], model [1])", "head.weight (checkpoint [3, 2], model [2, 3])", "nothing was loaded"}) {
            assertTrue(msg.contains(s), "'" + s + "' in: " + msg);
        }
        assertArrayEquals(alphaBefore, net.alpha.toArray());
        assertArrayEquals(headBefore, net.head.weight.toArray());
        assertEquals(1f, net.enc1.bn.runningVar.get(0), "untouched buffer");
    }

    @Test
    void nonStrictLoadSkipsMissingAndUnexpectedButNotMisShaped() {
        Net net = new Net();
        var r = net.loadStateDict(Map.of("alpha", Tensor.full(3f, 1), "nope", Tensor.ones(1)), false);
        assertEquals(3f, net.alpha.item());
        assertEquals(List.of("nope"), r.unexpectedKeys());
        assertTrue(r.missingKeys().contains("head.weight"));
        assertThrows(IllegalArgumentException.class, () -> net.loadStateDict(Map.of("alpha", Tensor.ones(2)), false));
    }

    @Test
    void aStateWithoutNumBatchesTrackedLoadsStrictlyAsInPyTorch() {
        // checkpoints from before PyTorch 0.4.1, and many converted ones, have no num_batches_tracked;
        // torch's BatchNorm keeps its own count for them instead of reporting a missing key
        Sequential src = new Sequential(new Conv2d(2, 2, 1), new BatchNorm2d(2));
        Sequential dst = new Sequential(new Conv2d(2, 2, 1), new BatchNorm2d(2));
        Map<String, Tensor> state = new java.util.LinkedHashMap<>(src.stateDict());
        state.put("1.running_mean", Tensor.full(0.25f, 2));
        state.remove("1.num_batches_tracked");
        ((BatchNorm2d) dst.get(1)).numBatchesTracked.data()[0] = 5;
        dst.loadStateDict(state);
        assertEquals(List.of(), dst.loadStateDict(state, false).missingKeys());
        assertArrayEquals(new float[]{0.25f, 0.25f}, ((BatchNorm2d) dst.get(1)).runningMean.toArray());
        assertEquals(5f, ((BatchNorm2d) dst.get(1)).numBatchesTracked.item(), "kept, not reset");
        // other missing buffers are still errors
        state.remove("1.running_var");
        var e = assertThrows(IllegalArgumentException.class, () -> dst.loadStateDict(state));
        assertTrue(e.getMessage().contains("missing keys: 1.running_var"), e.getMessage());
    }

    @Test
    void loadCopiesInPlaceSoOptimizersKeepTheirTensors() {
        Net a = new Net(), b = new Net();
        Tensor before = b.head.weight;
        a.head.weight.data()[0] = 42f;
        b.loadStateDict(a.stateDict());
        assertSame(before, b.head.weight);
        assertEquals(42f, b.head.weight.get(0, 0));
        a.head.weight.data()[0] = 1f;
        assertEquals(42f, b.head.weight.get(0, 0), "values copied, not shared");
    }

    @Test
    void multiInputMultiOutput() {
        TwoInTwoOut m = new TwoInTwoOut();
        Tensor[] out = m.callAll(Tensor.of(new float[]{1, 2}, 2), Tensor.of(new float[]{3, 5}, 2));
        assertArrayEquals(new float[]{8, 14}, out[0].toArray());
        assertArrayEquals(new float[]{-2, -3}, out[1].toArray());
        var e = assertThrows(IllegalArgumentException.class, () -> m.call(Tensor.ones(2)));
        assertTrue(e.getMessage().contains("takes (bg, fg_bg), got 1"), e.getMessage());
    }

    @Test
    void callNeedsExactlyOneOutput() {
        class Split extends Module {
            @Override
            protected Tensor[] forward(Tensor[] in) {
                return new Tensor[]{in[0], in[0].neg()};
            }
        }
        var e = assertThrows(IllegalStateException.class, () -> new Split().call(Tensor.ones(2)));
        assertTrue(e.getMessage().contains("Split: gives 2 outputs; use callAll"), e.getMessage());
        assertEquals(2, new Split().callAll(Tensor.ones(2)).length);
    }

    @Test
    void applyVisitsChildrenFirstAndFreezingCountsAsNonTrainable() {
        Net net = new Net();
        List<String> order = new ArrayList<>();
        net.apply(m -> order.add(m.typeName()));
        assertEquals(List.of("BatchNorm2d", "Block", "Linear", "Net"), order);
        net.enc1.requiresGrad(false);
        assertEquals(net.parameterCount() - 6, net.trainableParameterCount());
        assertFalse(net.enc1.bn.weight.requiresGrad());
    }

    @Test
    void singleInputModuleRejectsTwoInputs() {
        var e = assertThrows(IllegalArgumentException.class, () -> new ReLU().callAll(Tensor.ones(1), Tensor.ones(1)));
        assertTrue(e.getMessage().contains("ReLU: takes one input, got 2"), e.getMessage());
    }

    @Test
    void hooksSeeEveryCallAndCanBeRemoved() {
        Net net = new Net();
        List<String> seen = new ArrayList<>();
        var h1 = net.enc1.bn.registerForwardHook((m, in, out) -> seen.add(m.typeName() + " " + java.util.Arrays.toString(out[0].dims())));
        var h2 = net.registerForwardHook((m, in, out) -> seen.add(m.typeName()));
        net.call(Tensor.randn(new Rng(1), 2, 2, 3, 3));
        assertEquals(List.of("BatchNorm2d [2, 2, 3, 3]", "Net"), seen);
        h1.close();
        h2.close();
        net.call(Tensor.randn(new Rng(1), 2, 2, 3, 3));
        assertEquals(2, seen.size());
    }

    @Test
    void closingAHookHandleTwiceRemovesOnlyItsOwnRegistration() {
        ReLU relu = new ReLU();
        int[] calls = {0};
        Module.ForwardHook hook = (m, in, out) -> calls[0]++;
        var first = relu.registerForwardHook(hook);
        relu.registerForwardHook(hook); // the same hook again, still registered
        first.close();
        first.close();
        relu.call(Tensor.ones(1));
        assertEquals(1, calls[0], "the second registration must survive closing the first handle twice");
    }

    @Test
    void devices() {
        Net net = new Net();
        assertSame(net, net.to(Device.CPU));
        assertEquals(Device.CPU, net.device());
        var e = assertThrows(UnsupportedOperationException.class, () -> net.to(new Device("tpu", 0)));
        assertTrue(e.getMessage().contains("no tpu backend"), e.getMessage());
        assertEquals(Device.CPU, net.device(), "nothing moved");
    }

    @Test
    void registrationErrors() {
        class Bad extends Module {
            void twice() {
                registerParameter("w", Tensor.ones(1));
                registerBuffer("w", Tensor.ones(1));
            }

            void dotted() {
                registerParameter("a.b", Tensor.ones(1));
            }

            void view() {
                registerParameter("v", Tensor.ones(4).slice(0, 0, 4, 2));
            }
        }
        assertThrows(IllegalArgumentException.class, () -> new Bad().twice());
        assertThrows(IllegalArgumentException.class, () -> new Bad().dotted());
        assertThrows(IllegalArgumentException.class, () -> new Bad().view());
    }

    @Test
    void printsATree() {
        String s = new Net().toString();
        assertTrue(s.startsWith("Net(\n  (enc1): Block(\n    (bn): BatchNorm2d(2, eps=1.0E-5"), s);
        assertTrue(s.contains("(head): Linear(in_features=3, out_features=2, bias=true)"), s);
    }
}
