package jgrad.examples;

import jgrad.core.Rng;
import jgrad.core.Tensor;
import jgrad.losses.Loss;
import jgrad.losses.Losses;
import jgrad.nn.Conv2d;
import jgrad.nn.ReLU;
import jgrad.nn.Sequential;
import jgrad.nn.optim.AdamW;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** The README's model/loss/optimizer snippet, as written there, and that its steps lower the loss. */
class ReadmeExampleTest {
    @Test
    void readmeTrainingSnippetRunsAndLearns() {
        Rng rng = new Rng(3);
        Tensor x = Tensor.randn(rng, 2, 3, 8, 8);
        Tensor target = x.narrow(1, 0, 1).gt(0f);
        var model = new Sequential(new Conv2d(3, 16, 3, 1, 1), new ReLU(), new Conv2d(16, 1, 1));
        var opt = new AdamW(model.parameters(), 1e-2, 0.01);
        Loss dice = Losses.get("dice-b");
        float first = Float.NaN, last = Float.NaN;
        for (int step = 0; step < 60; step++) {
            Tensor out = model.call(x);
            Tensor l = dice.apply(out, target).add(Losses.get("bce").apply(out, target));
            opt.zeroGrad();
            l.backward();
            opt.step();
            if (step == 0) first = l.item();
            last = l.item();
        }
        assertTrue(last < 0.8f * first, "loss " + first + " -> " + last);
    }
}
