package jgrad.losses;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The loss registry: name → factory, in registration order. Tests and benchmarks iterate
 * {@link #names()}, so a loss registered here is picked up by them without further code.
 *
 * <pre>
 *   Loss loss = Losses.get("bce-dice");
 *   Tensor l = loss.apply(logits, mask);
 * </pre>
 */
public final class Losses {
    private static final Map<String, Supplier<Loss>> REGISTRY = new LinkedHashMap<>();

    static {
        register("bce", Bce::new);
        register("dice-a", Dice::seedA);
        register("dice-b", Dice::seedB);
        register("tversky", Tversky::seedB);
        register("bce-dice", () -> WeightedSum.of("bce-dice", 1, new Bce(), 2, Dice.seedB()));
        register("bce-dice-a", () -> WeightedSum.of("bce-dice-a", 1, new Bce(), 2, Dice.seedA()));
        register("bce-tversky", () -> WeightedSum.of("bce-tversky", 1, new Bce(), 2, Tversky.seedB()));
        register("rmse", Rmse::new);
        register("berhu", BerHu::new);
        register("ssim-a", Ssim::seedA);
        register("ssim-b", Ssim::seedB);
        register("grad", GradLoss::new);
    }

    private Losses() {}

    /**
     * Adds (or replaces) a loss; the factory's loss must report the same name (error messages,
     * autodiff nodes and device kernels go by it), which is checked here on one instance.
     */
    public static synchronized void register(String name, Supplier<Loss> factory) {
        if (name == null || factory == null) throw new IllegalArgumentException("register: name and factory must not be null");
        Loss probe = factory.get();
        if (probe == null || !name.equals(probe.name())) {
            throw new IllegalArgumentException("register: the factory for '" + name + "' makes "
                    + (probe == null ? "null" : "a loss named '" + probe.name() + "'") + "; a loss must report the name it is registered under");
        }
        REGISTRY.put(name, factory);
    }

    /** Removes a registration (tests that register a temporary loss use it to clean up). */
    static synchronized void unregister(String name) {
        REGISTRY.remove(name);
    }

    /** Registered names in registration order. */
    public static synchronized List<String> names() {
        return new ArrayList<>(REGISTRY.keySet());
    }

    /** A new instance of the named loss; unknown names are answered with the list of known ones. */
    public static synchronized Loss get(String name) {
        Supplier<Loss> f = REGISTRY.get(name);
        if (f == null) {
            throw new IllegalArgumentException("unknown loss '" + name + "'; known losses: " + String.join(", ", REGISTRY.keySet()));
        }
        return f.get();
    }
}
