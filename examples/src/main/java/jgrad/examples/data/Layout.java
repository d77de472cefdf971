package jgrad.examples.data;

import java.util.Locale;

/**
 * The two seed dataset layouts.
 * <ul>
 * <li>{@link #A}: {@code bg/}, {@code bg_fg/}, {@code bg_fg_mask/}, {@code bg_fg_depth_map/} (JPEG
 * each) and {@code file_map.txt}, one line per sample: bg, bg_fg, mask and depth file names without
 * extension, tab-separated.</li>
 * <li>{@link #B}: {@code bg/*.jpg}, {@code fg_bg/bg_XXX/*.jpg}, {@code fg_bg_mask/bg_XXX/*.jpg},
 * {@code depth_fg_bg/bg_XXX/*.png}; within each bg_XXX folder the three listings are paired by
 * sorted file name, and bg_XXX pairs with {@code bg/bg_XXX.jpg}.</li>
 * </ul>
 */
public enum Layout {
    A, B;

    public static Layout parse(String s) {
        return switch (s.toLowerCase(Locale.ROOT)) {
            case "a" -> A;
            case "b" -> B;
            default -> throw new IllegalArgumentException("layout must be 'a' or 'b', got '" + s + "'");
        };
    }
}
