package jgrad.nn;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * Holds child modules in a list, named "0", "1", …, as {@code torch.nn.ModuleList}: their
 * parameters are registered, but the owner decides how to call them (it has no forward).
 */
public class ModuleList extends Module implements Iterable<Module> {
    private final List<Module> items = new ArrayList<>();

    public ModuleList(Module... modules) {
        for (Module m : modules) add(m);
    }

    public ModuleList add(Module m) {
        items.add(registerModule(Integer.toString(items.size()), m));
        return this;
    }

    public Module get(int i) {
        return items.get(i);
    }

    public int size() {
        return items.size();
    }

    @Override
    public Iterator<Module> iterator() {
        return List.copyOf(items).iterator();
    }
}
