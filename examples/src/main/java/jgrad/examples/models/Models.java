package jgrad.examples.models;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * The model registry: {@code Models.create("dsresnet", ModelOptions.defaults().withWidth(4))}.
 * Every model it makes is a {@link JointModel}, called with (bg, fg_bg) through
 * {@link JointModel#run}; see that class for the output convention (depth absent for MaskNet).
 *
 * <table>
 *   <caption>Registered models</caption>
 *   <tr><th>name</th><th>seed</th><th>published width → parameters</th><th>width 4</th><th>H, W multiple of</th></tr>
 *   <tr><td>masknet</td><td>A</td><td>32 → 59,745</td><td>1,197</td><td>1</td></tr>
 *   <tr><td>dsresnet</td><td>A</td><td>16 → 10,343,490</td><td>649,554</td><td>32</td></tr>
 *   <tr><td>resunet</td><td>B</td><td>16 → 15,855,712</td><td>994,264</td><td>16</td></tr>
 * </table>
 * Width 4 is the recommended small width for the joint models on a CPU (about 1/16 of the
 * published parameters and compute).
 */
public final class Models {
    /** One registered model. */
    public record Entry(String name, String description, int publishedWidth, long publishedParameters, int sizeMultiple,
                        Function<ModelOptions, JointModel> factory) {}

    private static final Map<String, Entry> ENTRIES = new LinkedHashMap<>();

    static {
        add(new Entry("masknet", "seed A's mask-only network (mask logits only, no depth)", MaskNet.WIDTH, 59_745L, 1,
                o -> new MaskNet(o.widthOr(MaskNet.WIDTH), o.dropout(), o.rng())));
        add(new Entry("dsresnet", "seed A's joint depth + mask residual encoder-decoder", DSResNet.WIDTH, 10_343_490L, 32,
                o -> new DSResNet(o.widthOr(DSResNet.WIDTH), o.rng())));
        add(new Entry("resunet", "seed B's ResUNet v2 (the 15M model), pre-activation blocks on cat[bg, fg_bg]", ResUNet.WIDTH,
                15_855_712L, 16, o -> new ResUNet(o.widthOr(ResUNet.WIDTH), o.rng())));
    }

    private Models() {}

    private static void add(Entry e) {
        ENTRIES.put(e.name(), e);
    }

    /** Registered names, in registration order. */
    public static List<String> names() {
        return List.copyOf(ENTRIES.keySet());
    }

    /** The entry for a name (case-insensitive); the error lists the known names. */
    public static Entry entry(String name) {
        Objects.requireNonNull(name, "model name");
        Entry e = ENTRIES.get(name.toLowerCase(Locale.ROOT));
        if (e == null) {
            throw new IllegalArgumentException("unknown model '" + name + "'; known models: " + String.join(", ", names()));
        }
        return e;
    }

    /** Builds a model by name. Dropout is only accepted by models that have dropout layers (masknet). */
    public static JointModel create(String name, ModelOptions options) {
        Entry e = entry(name);
        ModelOptions o = options == null ? ModelOptions.defaults() : options;
        if (o.dropout() != 0 && !e.name().equals("masknet")) {
            throw new IllegalArgumentException(e.name() + " has no dropout layers; dropout must be 0, got " + o.dropout());
        }
        return e.factory().apply(o);
    }

    /** The published model with weights from the global generator. */
    public static JointModel create(String name) {
        return create(name, ModelOptions.defaults());
    }
}
