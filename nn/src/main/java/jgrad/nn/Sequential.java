package jgrad.nn;

import jgrad.core.Tensor;

import java.util.ArrayList;
import java.util.List;

/**
 * Runs its children in order, each on the previous one's output(s), as {@code torch.nn.Sequential}.
 * Children are named "0", "1", … unless added with a name. Multi-output children pass all their
 * outputs to the next one.
 */
public class Sequential extends Module {
    private final List<Module> layers = new ArrayList<>();

    public Sequential(Module... modules) {
        for (Module m : modules) add(m);
    }

    /** Appends a module named by its position. */
    public Sequential add(Module m) {
        return add(Integer.toString(layers.size()), m);
    }

    public Sequential add(String name, Module m) {
        layers.add(registerModule(name, m));
        return this;
    }

    public Module get(int i) {
        return layers.get(i);
    }

    public int size() {
        return layers.size();
    }

    @Override
    protected Tensor forward(Tensor x) {
        for (Module m : layers) x = m.call(x);
        return x;
    }

    @Override
    protected Tensor[] forward(Tensor[] inputs) {
        Tensor[] x = inputs;
        for (Module m : layers) x = m.callAll(x);
        return x;
    }
}
