package jgrad.examples.data;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The validated list of samples of a dataset folder in either seed {@link Layout}. Scanning checks
 * everything that can be checked without decoding: every named file exists, and (layout B) every
 * fg_bg image has a mask and a depth partner and a bg. Problems raise a {@link DataException}
 * naming the file, or with {@link OnError#SKIP} drop the sample and are listed in
 * {@link #skipped()}. Decoding errors and size mismatches surface later, at load time.
 *
 * <p><b>Layout A</b>: one sample per non-blank line of {@code file_map.txt} (a leading UTF-8
 * byte-order mark is ignored): four tab-separated names without extension (bg, bg_fg, mask,
 * depth), each looked up in its folder with extension .jpg, .jpeg or .png (a name that already has
 * one of those is taken as is).
 *
 * <p><b>Layout B</b>: for each folder {@code fg_bg/bg_XXX} (sorted), the image files of
 * fg_bg/bg_XXX, fg_bg_mask/bg_XXX and depth_fg_bg/bg_XXX are paired by sorted order, as in the
 * seed. When every file name ends in number groups (e.g. {@code fg_bg_003_017.jpg} → "3_17",
 * leading zeros dropped), pairing is by that key instead, which names the unpaired file exactly; otherwise
 * the three listings must have equal lengths. bg_XXX pairs with {@code bg/bg_XXX.jpg}.
 */
public record DatasetIndex(Path root, Layout layout, List<Entry> entries, List<String> skipped) {
    private static final String[] EXTENSIONS = {".jpg", ".jpeg", ".png"};

    public int size() {
        return entries.size();
    }

    /** For each sample, the number of its background (0, 1, ... in order of first appearance). */
    public int[] backgroundGroups() {
        Map<Path, Integer> ids = new HashMap<>();
        int[] out = new int[entries.size()];
        for (int i = 0; i < out.length; i++) out[i] = ids.computeIfAbsent(entries.get(i).bg(), k -> ids.size());
        return out;
    }

    /** Layout A when {@code file_map.txt} exists, else B when {@code fg_bg/} exists. */
    public static Layout detect(Path root) {
        if (Files.isRegularFile(root.resolve("file_map.txt"))) return Layout.A;
        if (Files.isDirectory(root.resolve("fg_bg"))) return Layout.B;
        throw new DataException("cannot tell the layout of " + root + ": neither file_map.txt (layout A) nor fg_bg/ (layout B) found");
    }

    public static DatasetIndex scan(Path root, Layout layout, OnError onError) {
        if (!Files.isDirectory(root)) throw new DataException("dataset folder not found: " + root);
        List<String> skipped = new ArrayList<>();
        List<Entry> entries = layout == Layout.A ? scanA(root, onError, skipped) : scanB(root, onError, skipped);
        if (entries.isEmpty()) throw new DataException("no samples found in " + root + " (layout " + layout + ")"
                + (skipped.isEmpty() ? "" : "; " + skipped.size() + " skipped, first: " + skipped.get(0)));
        return new DatasetIndex(root, layout, List.copyOf(entries), List.copyOf(skipped));
    }

    public static DatasetIndex scan(Path root, OnError onError) {
        return scan(root, detect(root), onError);
    }

    // ---------------------------------------------------------------- layout A

    private static List<Entry> scanA(Path root, OnError onError, List<String> skipped) {
        Path map = root.resolve("file_map.txt");
        if (!Files.isRegularFile(map)) throw new DataException("missing file: " + map);
        List<String> lines;
        try {
            lines = Files.readAllLines(map, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new DataException("cannot read " + map + ": " + e.getMessage(), e);
        }
        String[] dirs = {"bg", "bg_fg", "bg_fg_mask", "bg_fg_depth_map"};
        Map<String, Set<String>> listings = new HashMap<>();
        for (String d : dirs) listings.put(d, listNames(root.resolve(d)));
        List<Entry> out = new ArrayList<>();
        for (int ln = 0; ln < lines.size(); ln++) {
            String line = lines.get(ln);
            // a byte-order mark (Windows editors write one) would become part of the first name
            if (ln == 0 && line.startsWith("\uFEFF")) line = line.substring(1);
            line = line.strip();
            if (line.isEmpty()) continue;
            String[] f = line.split("\t");
            if (f.length != 4) {
                problem(onError, skipped, map + " line " + (ln + 1) + ": expected 4 tab-separated names (bg, bg_fg, mask, depth), got " + f.length);
                continue;
            }
            Path[] p = new Path[4];
            boolean ok = true;
            for (int k = 0; k < 4 && ok; k++) {
                p[k] = find(root.resolve(dirs[k]), listings.get(dirs[k]), f[k].strip());
                if (p[k] == null) {
                    String name = f[k].strip();
                    problem(onError, skipped, "missing file: " + root.resolve(dirs[k]).resolve(isImage(Path.of(name)) ? name : name + ".jpg")
                            + " (named in " + map + " line " + (ln + 1) + ")");
                    ok = false;
                }
            }
            if (ok) out.add(new Entry(p[0], p[1], p[2], p[3]));
        }
        return out;
    }

    private static Path find(Path dir, Set<String> names, String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        for (String e : EXTENSIONS) {
            if (lower.endsWith(e) && names.contains(name)) return dir.resolve(name);
        }
        for (String e : EXTENSIONS) {
            if (names.contains(name + e)) return dir.resolve(name + e);
            if (names.contains(name + e.toUpperCase(Locale.ROOT))) return dir.resolve(name + e.toUpperCase(Locale.ROOT));
        }
        return null;
    }

    private static Set<String> listNames(Path dir) {
        if (!Files.isDirectory(dir)) throw new DataException("missing folder: " + dir);
        try (Stream<Path> s = Files.list(dir)) {
            Set<String> out = new HashSet<>();
            s.forEach(p -> out.add(p.getFileName().toString()));
            return out;
        } catch (IOException e) {
            throw new DataException("cannot list " + dir + ": " + e.getMessage(), e);
        }
    }

    // ---------------------------------------------------------------- layout B

    private static List<Entry> scanB(Path root, OnError onError, List<String> skipped) {
        Path fgRoot = root.resolve("fg_bg"), maskRoot = root.resolve("fg_bg_mask"), depthRoot = root.resolve("depth_fg_bg"),
                bgRoot = root.resolve("bg");
        for (Path d : new Path[]{fgRoot, maskRoot, depthRoot, bgRoot}) {
            if (!Files.isDirectory(d)) throw new DataException("missing folder: " + d);
        }
        Set<String> bgNames = listNames(bgRoot);
        Set<String> fgDirs = listNames(fgRoot);
        for (Path partnerRoot : new Path[]{maskRoot, depthRoot}) {
            for (Path d : sortedChildren(partnerRoot, true)) {
                if (!fgDirs.contains(d.getFileName().toString())) {
                    problem(onError, skipped, "unpaired folder: " + d + " has no " + fgRoot.resolve(d.getFileName()));
                }
            }
        }
        List<Entry> out = new ArrayList<>();
        for (Path dir : sortedChildren(fgRoot, true)) {
            String name = dir.getFileName().toString();
            Path bg = find(bgRoot, bgNames, name);
            if (bg == null) {
                problem(onError, skipped, "missing file: " + bgRoot.resolve(name + ".jpg") + " (background of " + dir + ")");
                continue;
            }
            Path maskDir = maskRoot.resolve(name), depthDir = depthRoot.resolve(name);
            if (!Files.isDirectory(maskDir) || !Files.isDirectory(depthDir)) {
                problem(onError, skipped, "missing folder: " + (Files.isDirectory(maskDir) ? depthDir : maskDir) + " (partner of " + dir + ")");
                continue;
            }
            List<Path> fg = sortedChildren(dir, false), mask = sortedChildren(maskDir, false), depth = sortedChildren(depthDir, false);
            Map<String, Path> fk = keyed(fg), mk = keyed(mask), dk = keyed(depth);
            if (fk != null && mk != null && dk != null) {
                for (var e : fk.entrySet()) {
                    Path m = mk.get(e.getKey()), d = dk.get(e.getKey());
                    if (m == null || d == null) {
                        problem(onError, skipped, "unpaired file: " + e.getValue() + " has no " + (m == null ? "mask in " + maskDir : "depth map in " + depthDir));
                        continue;
                    }
                    out.add(new Entry(bg, e.getValue(), m, d));
                }
                for (var e : mk.entrySet()) {
                    if (!fk.containsKey(e.getKey())) problem(onError, skipped, "unpaired file: " + e.getValue() + " has no fg_bg image in " + dir);
                }
                for (var e : dk.entrySet()) {
                    if (!fk.containsKey(e.getKey())) problem(onError, skipped, "unpaired file: " + e.getValue() + " has no fg_bg image in " + dir);
                }
            } else {
                int n = Math.min(fg.size(), Math.min(mask.size(), depth.size()));
                for (int i = 0; i < n; i++) out.add(new Entry(bg, fg.get(i), mask.get(i), depth.get(i)));
                for (List<Path> l : List.of(fg, mask, depth)) {
                    for (int i = n; i < l.size(); i++) {
                        problem(onError, skipped, "unpaired file: " + l.get(i) + " (" + fg.size() + " fg_bg, " + mask.size()
                                + " mask and " + depth.size() + " depth files in " + name + ", paired by sorted order)");
                    }
                }
            }
        }
        return out;
    }

    /** Files (or folders) in dir, sorted by name; image files only when files are asked for. */
    private static List<Path> sortedChildren(Path dir, boolean folders) {
        try (Stream<Path> s = Files.list(dir)) {
            List<Path> out = new ArrayList<>(s.filter(p -> folders ? Files.isDirectory(p) : isImage(p)).toList());
            Collections.sort(out);
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir, e);
        }
    }

    private static boolean isImage(Path p) {
        String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
        for (String e : EXTENSIONS) if (n.endsWith(e)) return true;
        return false;
    }

    /** Files by their trailing number key ("fg_bg_003_017.jpg" → "3_17"); null if any has none or keys repeat. */
    static Map<String, Path> keyed(List<Path> files) {
        Map<String, Path> out = new LinkedHashMap<>();
        for (Path p : files) {
            String n = p.getFileName().toString();
            int dot = n.lastIndexOf('.');
            if (dot >= 0) n = n.substring(0, dot);
            int i = n.length();
            while (i > 0 && (Character.isDigit(n.charAt(i - 1)) || n.charAt(i - 1) == '_')) i--;
            // number groups without their leading zeros, so "003_017" and "3_17" pair
            StringBuilder key = new StringBuilder();
            for (String g : n.substring(i).split("_")) {
                if (g.isEmpty()) continue;
                if (!key.isEmpty()) key.append('_');
                key.append(g.replaceFirst("^0+(?=.)", ""));
            }
            if (key.isEmpty() || out.put(key.toString(), p) != null) return null;
        }
        return out;
    }

    private static void problem(OnError onError, List<String> skipped, String message) {
        if (onError == OnError.FAIL) throw new DataException(message);
        skipped.add(message);
    }
}
