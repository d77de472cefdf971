package jgrad.examples.models;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import jgrad.core.Rng;
import jgrad.core.Tensor;
import jgrad.nn.BatchNorm2d;
import jgrad.nn.Conv2d;
import jgrad.nn.Module;
import org.junit.jupiter.api.Test;

/** Parameter counts against the seeds' published figures and against counts derived by hand from the architecture text. */
class ParameterCountTest {
    // ---- the architecture, counted independently of the classes --------------------------------
    private static long conv(long i, long o, long k, boolean bias) {
        return i * o * k * k + (bias ? o : 0);
    }

    private static long bn(long c) {
        return 2 * c;
    }

    private static long dsResNet(long b) {
        java.util.function.BiFunction<Long, Long, Long> dc = (i, o) -> conv(i, o, 3, true) + bn(o) + conv(o, o, 3, true) + bn(o);
        java.util.function.BiFunction<Long, Long, Long> enc = (i, o) -> dc.apply(i, o) + conv(i, o, 1, true);
        java.util.function.BiFunction<Long, Long, Long> dec1 = (i, o) -> 2 * conv(i, o, 1, true) + dc.apply(i, o);
        java.util.function.BiFunction<Long, Long, Long> dec2 = (i, o) -> 3 * conv(i, o, 1, true) + dc.apply(i, o);
        long trunk = 2 * (enc.apply(3L, b) + enc.apply(b, 2 * b)) + conv(4 * b, 2 * b, 1, true) + enc.apply(2 * b, 4 * b)
                + enc.apply(4 * b, 8 * b) + enc.apply(8 * b, 16 * b) + enc.apply(16 * b, 32 * b);
        long head = dec1.apply(32 * b, 16 * b) + dec1.apply(16 * b, 8 * b) + dec1.apply(8 * b, 4 * b) + dec2.apply(4 * b, 2 * b)
                + dec2.apply(2 * b, b) + conv(b, 1, 1, true);
        return trunk + 2 * head;
    }

    private static long rdc(long i, long o) {
        return bn(i) + conv(i, o, 3, false) + bn(o) + conv(o, o, 3, false);
    }

    private static long up(long i, long o, long s, long d) {
        return conv(i, 4 * i, 1, false) + conv(s, i, 1, false) + (d > 0 ? conv(d, i, 1, false) : 0) + rdc(i, o)
                + conv(i, o, 1, false) + bn(o);
    }

    private static long resUNet(long b) {
        long n = conv(6, 2 * b, 5, false);
        for (long c = 2 * b; c < 32 * b; c *= 2) n += rdc(c, 2 * c) + conv(c, 2 * c, 1, false) + bn(2 * c);
        n += rdc(32 * b, 32 * b);
        n += up(32 * b, 16 * b, 32 * b, 0) + up(16 * b, 8 * b, 16 * b, 0) + up(8 * b, 4 * b, 8 * b, 0) + up(4 * b, b, 4 * b, 0);
        n += up(32 * b, 4 * b, 32 * b, 16 * b) + up(4 * b, 4 * b, 16 * b, 8 * b) + up(4 * b, 2 * b, 8 * b, 4 * b) + up(2 * b, b, 4 * b, b);
        return n + 2 * conv(b, 1, 1, false);
    }

    @Test
    void publishedCounts() {
        assertEquals(59_745, Models.create("masknet").parameterCount());
        assertEquals(10_343_490, Models.create("dsresnet").parameterCount());
        assertEquals(15_855_712, Models.create("resunet").parameterCount());
        // the hand count of the architecture text gives the same figures
        assertEquals(10_343_490, dsResNet(16));
        assertEquals(15_855_712, resUNet(16));
        // the six never-run decoder convolutions of the seed would have added 344,960 (true total 10,688,450)
        assertEquals(10_688_450 - 10_343_490, 2 * (conv(512, 256, 1, true) + conv(256, 128, 1, true) + conv(128, 64, 1, true)));
        for (String name : Models.names()) {
            JointModel m = Models.create(name);
            assertEquals(m.parameterCount(), m.trainableParameterCount(), name);
            assertEquals(Models.entry(name).publishedParameters(), m.parameterCount(), name);
        }
    }

    @Test
    void maskNetPerLayerCountsInOrder() {
        MaskNet net = new MaskNet(32, 0.0, new Rng(1));
        List<Long> perLayer = new ArrayList<>();
        for (Module m : net.namedModules().values()) {
            if (m instanceof Conv2d || m instanceof BatchNorm2d) {
                long n = 0;
                for (Tensor t : m.localParameters().values()) n += t.numel();
                perLayer.add(n);
            }
        }
        assertEquals(List.of(896L, 64L, 896L, 64L, 2_080L, 18_496L, 128L, 36_928L, 128L, 65L), perLayer);
    }

    /** The state dict keys PyTorch gives seed A's MaskNet, so its weights load strictly. */
    @Test
    void maskNetStateDictHasPyTorchsNames() {
        List<String> expected = new ArrayList<>();
        String[] bn = {"weight", "bias", "running_mean", "running_var", "num_batches_tracked"};
        for (String block : new String[]{"prep_block_1", "prep_block_2"}) {
            expected.add(block + ".0.weight");
            expected.add(block + ".0.bias");
            for (String b : bn) expected.add(block + ".2." + b);
        }
        expected.addAll(List.of("convblock1.0.weight", "convblock1.0.bias", "convblock1.1.weight", "convblock1.1.bias"));
        for (String b : bn) expected.add("convblock1.3." + b);
        expected.addAll(List.of("convblock2.0.weight", "convblock2.0.bias"));
        for (String b : bn) expected.add("convblock2.2." + b);
        expected.addAll(List.of("convblock3.0.weight", "convblock3.0.bias"));
        assertEquals(expected, new ArrayList<>(new MaskNet().stateDict().keySet()));
    }

    @Test
    void smallWidthsFollowTheSameArchitecture() {
        // MaskNet: 56w² + 75w + 1
        for (int w : new int[]{1, 4, 32}) {
            assertEquals(56L * w * w + 75L * w + 1, new MaskNet(w, 0.0, new Rng(1)).parameterCount(), "masknet width " + w);
        }
        assertEquals(1_197, Models.create("masknet", ModelOptions.defaults().withWidth(4)).parameterCount());
        for (int b : new int[]{1, 2, 4}) {
            assertEquals(dsResNet(b), new DSResNet(b, new Rng(1)).parameterCount(), "dsresnet width " + b);
            assertEquals(resUNet(b), new ResUNet(b, new Rng(1)).parameterCount(), "resunet width " + b);
        }
        // the documented figures at the recommended width 4
        assertEquals(649_554, Models.create("dsresnet", ModelOptions.defaults().withWidth(4)).parameterCount());
        assertEquals(994_264, Models.create("resunet", ModelOptions.defaults().withWidth(4)).parameterCount());
    }

    @Test
    void dsResNetBuildsOnlyTheLayersThatRun() {
        Map<String, Tensor> p = new DSResNet(1, new Rng(1)).namedParameters();
        for (String dec : new String[]{"Mdec3", "Mdec2", "Mdec1", "Ddec3", "Ddec2", "Ddec1"}) {
            assertFalse(p.containsKey(dec + ".enc_skip_conv.weight"), dec);
            assertTrue(p.containsKey(dec + ".transition_conv.0.weight"), dec);
        }
        for (String dec : new String[]{"M2", "M1", "D2", "D1"}) assertTrue(p.containsKey(dec + ".enc_skip_conv.weight"), dec);
        // the seed's names, in the seed's registration order
        List<String> names = new ArrayList<>(p.keySet());
        assertEquals("b1.double_conv.conv1.0.weight", names.get(0));
        assertEquals("b1.double_conv.conv1.2.weight", names.get(2));
        assertEquals("D0.bias", names.get(names.size() - 1));
        assertTrue(names.indexOf("merge.weight") < names.indexOf("enc1.double_conv.conv1.0.weight"));
        assertTrue(names.indexOf("M0.bias") < names.indexOf("Ddec3.transition_conv.0.weight"));
    }

    @Test
    void resUNetHasNoBiasAndTheSeedsNames() {
        ResUNet net = new ResUNet(1, new Rng(1));
        int convs = 0;
        for (Module m : net.namedModules().values()) {
            if (m instanceof Conv2d c) {
                assertNull(c.bias, c.toString());
                convs++;
            }
        }
        // init + 4 downs × 3 (two in the double conv, one projection) + bridge 2
        // + 4 depth ups × 5 (pre, skip, two, projection) + 4 mask ups × 6 (and dense) + 2 heads
        assertEquals(1 + 4 * 3 + 2 + 4 * 5 + 4 * 6 + 2, convs);
        Map<String, Tensor> state = net.stateDict();
        assertTrue(state.containsKey("init_conv.weight"));
        assertTrue(state.containsKey("res_down1.double_conv.double_conv.0.running_mean"));
        assertTrue(state.containsKey("res_down4.proj_layer.1.weight"));
        assertTrue(state.containsKey("s_res_up4.dense_conv.weight"));
        assertFalse(state.containsKey("d_res_up4.dense_conv.weight"));
        assertTrue(state.containsKey("segment_output.weight"));
        assertArrayEquals(new int[]{2, 6, 5, 5}, net.initConv.weight.dims());
    }
}
