package jgrad.kernels.cuda;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads kernel parameter lists from the PTX text inside an (uncompressed) fatbin:
 * {@code .visible .entry fill_f32(.param .u64 fill_f32_param_0, .param .f32 ..., ...)}.
 * A pointer or a long long is .u64 (8 bytes), an int .u32/.s32, a float .f32, a double .f64;
 * structs passed by value appear as .align N .b8 arrays and are reported with their size.
 */
public final class KernelSignatures {
    private KernelSignatures() {}

    /** What a kernel parameter is, as far as the launch needs to know. */
    public enum Kind { INT32, INT64, FLOAT32, FLOAT64, OTHER }

    /** One parameter: its kind and size in bytes. */
    public record Param(Kind kind, int bytes) {}

    private static final Pattern ENTRY = Pattern.compile("\\.entry\\s+([A-Za-z_$][\\w$]*)\\s*\\(([^)]*)\\)");
    private static final Pattern PARAM = Pattern.compile(
            "\\.param\\s+(?:\\.align\\s+\\d+\\s+)?\\.(\\w+)\\s+[\\w$]+(?:\\s*\\[(\\d+)\\])?");

    /** Entry name → parameters, for every .entry in the PTX the image contains. */
    public static Map<String, List<Param>> parse(byte[] image) {
        String text = new String(image, StandardCharsets.ISO_8859_1);
        Map<String, List<Param>> out = new HashMap<>();
        Matcher e = ENTRY.matcher(text);
        while (e.find()) {
            List<Param> params = new ArrayList<>();
            Matcher p = PARAM.matcher(e.group(2));
            while (p.find()) {
                params.add(param(p.group(1), p.group(2)));
            }
            out.putIfAbsent(e.group(1), List.copyOf(params));
        }
        return Map.copyOf(out);
    }

    private static Param param(String type, String count) {
        int n = count == null ? 1 : Integer.parseInt(count);
        return switch (type) {
            case "u32", "s32", "b32" -> n == 1 ? new Param(Kind.INT32, 4) : new Param(Kind.OTHER, 4 * n);
            case "u64", "s64", "b64" -> n == 1 ? new Param(Kind.INT64, 8) : new Param(Kind.OTHER, 8 * n);
            case "f32" -> n == 1 ? new Param(Kind.FLOAT32, 4) : new Param(Kind.OTHER, 4 * n);
            case "f64" -> n == 1 ? new Param(Kind.FLOAT64, 8) : new Param(Kind.OTHER, 8 * n);
            case "b8", "u8", "s8" -> new Param(Kind.OTHER, n);
            case "b16", "u16", "s16", "f16" -> new Param(Kind.OTHER, 2 * n);
            default -> new Param(Kind.OTHER, n);
        };
    }
}
