package jgrad.examples;

import jgrad.core.Autograd;
import jgrad.core.Device;
import jgrad.core.EmulatedBackend;
import jgrad.core.MemoryScope;
import jgrad.core.Rng;
import jgrad.core.Tensor;
import jgrad.losses.Loss;
import jgrad.losses.Losses;
import jgrad.nn.Conv2d;
import jgrad.nn.ReLU;
import jgrad.nn.Sequential;
import jgrad.nn.optim.AdamW;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The README's Java snippets, copied here as they are written there (each README block's lines,
 * imports included, must occur in this file in the same order: {@link #everyReadmeSnippetIsCopiedHere}),
 * run, and checked against what the README says they compute.
 */
class ReadmeSnippetsTest {
    private static final Path README = Path.of("..", "README.md");
    private static final Path SELF = Path.of("src", "test", "java", "jgrad", "examples", "ReadmeSnippetsTest.java");

    @Test
    void everyReadmeSnippetIsCopiedHere() throws Exception {
        List<String> self = Files.readAllLines(SELF).stream().map(ReadmeSnippetsTest::norm).toList();
        List<List<String>> blocks = javaBlocks(Files.readAllLines(README));
        assertEquals(4, blocks.size(), "the README's ```java blocks; add a test here for a new one");
        for (List<String> block : blocks) {
            int at = 0;
            for (String line : block) {
                int found = self.subList(at, self.size()).indexOf(line);
                assertTrue(found >= 0, "README line not copied (in order) into " + SELF.getFileName() + ": " + line);
                at += found + 1;
            }
        }
    }

    @Test
    void aFirstExpression() {
Tensor x = Tensor.of(new float[]{1, 2, 3}, 3).requiresGrad(true);
Tensor w = Tensor.of(new float[]{0.5f, -1, 2}, 3).requiresGrad(true);
Tensor loss = x.mul(w).sigmoid().sum();   // Σ σ(x·w)
loss.backward();
System.out.println(x.grad());             // ∂loss/∂x = w·σ'(x·w)
System.out.println(w.grad());             // ∂loss/∂w = x·σ'(x·w)

        float[] xs = {1, 2, 3}, ws = {0.5f, -1, 2}, dx = new float[3], dw = new float[3];
        for (int i = 0; i < 3; i++) {
            double s = 1 / (1 + Math.exp(-xs[i] * ws[i])), ds = s * (1 - s);
            dx[i] = (float) (ws[i] * ds);
            dw[i] = (float) (xs[i] * ds);
        }
        assertArrayEquals(dx, x.grad().toArray(), 1e-6f);
        assertArrayEquals(dw, w.grad().toArray(), 1e-6f);
        assertTrue(x.grad().toString().contains("0.1175"), "println shows the values: " + x.grad());
    }

    @Test
    void aModelALossAndAnOptimizer() {
        Tensor x = Tensor.randn(new Rng(3), 2, 3, 8, 8);
        Tensor target = x.narrow(1, 0, 1).gt(0f);

// x: N×3×H×W images, target: N×1×H×W masks in [0, 1]; the model outputs logits
var model = new Sequential(new Conv2d(3, 16, 3, 1, 1), new ReLU(), new Conv2d(16, 1, 1));
var opt = new AdamW(model.parameters(), 1e-2, 0.01);
Loss dice = Losses.get("dice-b");
Tensor out = model.call(x);
Tensor l = dice.apply(out, target).add(Losses.get("bce").apply(out, target));
opt.zeroGrad();
l.backward();
opt.step();

        assertEquals(List.of(2, 1, 8, 8), List.of(out.size(0), out.size(1), out.size(2), out.size(3)), "one logit per pixel");
        for (Tensor p : model.parameters()) assertNotNull(p.grad(), "backward reaches every parameter");
        try (var g = Autograd.noGrad()) {
            Tensor after = dice.apply(model.call(x), target).add(Losses.get("bce").apply(model.call(x), target));
            assertTrue(after.item() < l.item(), "the step lowers the loss: " + l.item() + " -> " + after.item());
        }
    }

    /** The device snippet as written: without a usable CUDA it stops at its first line, with the reason. */
    @Test
    void devicesAndDeviceMemoryOnCuda() {
        Tensor x = Tensor.randn(new Rng(3), 2, 3, 8, 8);
        Tensor target = x.narrow(1, 0, 1).gt(0f);
        var model = new Sequential(new Conv2d(3, 16, 3, 1, 1), new ReLU(), new Conv2d(16, 1, 1));
        Loss dice = Losses.get("dice-b");
        try {
// model, dice, x and target as in the example above
Device gpu = Device.cuda();                 // fails with the reason when CUDA cannot be used
model.to(gpu);                              // parameters and buffers move in place
var opt = new AdamW(model.parameters(), 1e-3, 0.01);
try (var step = MemoryScope.open()) {       // device temporaries of this step are freed at the end
    Tensor loss = dice.apply(model.call(x.to(gpu)), target.to(gpu));
    opt.zeroGrad();
    loss.backward();                        // gradients stay on the device
    opt.step();                             // fused update kernels, optimizer state on the device
    System.out.println(loss.item());        // the one copy back to the host
}
model.to(Device.cuda());        // the model's parameters move to the first GPU
        } catch (UnsupportedOperationException e) {
            assertTrue(e.getMessage().contains("cannot be used: "), "the reason is given: " + e.getMessage());
        }
    }

    /** The same snippet on the emulated device (host memory behind the device interface), which every machine has. */
    @Test
    void devicesAndDeviceMemoryOnTheEmulatedDevice() {
        Tensor x = Tensor.randn(new Rng(3), 2, 3, 8, 8);
        Tensor target = x.narrow(1, 0, 1).gt(0f);
        var model = new Sequential(new Conv2d(3, 16, 3, 1, 1), new ReLU(), new Conv2d(16, 1, 1));
        Loss dice = Losses.get("dice-b");
        float onCpu;
        try (var g = Autograd.noGrad()) {
            onCpu = dice.apply(model.call(x), target).item();
        }
        Device gpu = EmulatedBackend.DEVICE;
        model.to(gpu);
        var opt = new AdamW(model.parameters(), 1e-3, 0.01);
        int insideStep;
        float value;
        try (var step = MemoryScope.open()) {
            Tensor loss = dice.apply(model.call(x.to(gpu)), target.to(gpu));
            opt.zeroGrad();
            loss.backward();
            opt.step();
            value = loss.item();
            insideStep = EmulatedBackend.LIVE.get();
        }
        assertEquals(onCpu, value, 1e-5f, "the same loss as on the CPU");
        assertTrue(EmulatedBackend.LIVE.get() < insideStep, "the step's temporaries are freed when the scope closes");
        for (Tensor p : model.parameters()) {
            assertEquals(gpu, p.device(), "parameters moved in place");
            assertEquals(gpu, p.grad().device(), "gradients stay on the device");
            assertFalse(Float.isNaN(p.grad().to(Device.CPU).sum().item()), "gradients outlive the scope until zeroGrad()");
        }
    }

    private static List<List<String>> javaBlocks(List<String> readme) {
        List<List<String>> blocks = new ArrayList<>();
        List<String> block = null;
        for (String line : readme) {
            if (block == null && line.strip().equals("```java")) block = new ArrayList<>();
            else if (block != null && line.strip().equals("```")) {
                blocks.add(block);
                block = null;
            } else if (block != null && !line.isBlank()) block.add(norm(line));
        }
        return blocks;
    }

    private static String norm(String line) {
        return line.strip().replaceAll("\\s+", " ");
    }
}
