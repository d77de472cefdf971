package jgrad.examples.experiments;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The loss combinations of the two seeds and the numbers they published (their data, their
 * scale: shown beside ours, never mixed with them).
 *
 * <ul>
 *   <li><b>B</b>: ResUNet v2, total = seg(m) + 2·depth(d), nine (seg, depth) pairs; B's dice is
 *       {@code dice-b}, its SSIM {@code ssim-b}; published mIoU (B), mRMSE (B) and seconds. mIoU and
 *       mRMSE are the four places of B's loss table, which cuts its per-run printouts (0.28827… →
 *       0.2882), except two that are quoted rounded from the printouts: bce/bce's mIoU 0.1279
 *       (0.12789…, table 0.1278) and bce-dice/bce's mRMSE 0.0994 (0.09939…, table 0.0993). The
 *       seconds are the printouts to 0.1 s. {@link Report} says so under the published table.</li>
 *   <li><b>A</b>: DSResNet with A's three combined losses (depth weight 2), then MaskNet with BCE,
 *       SSIM and Dice on the mask alone; published IoU and RMSE after 3 epochs (joint) and the
 *       approximate 15-epoch IoU of the MaskNet test (≈ 0.838, 0.857, 0.862; its image size is not
 *       known).</li>
 * </ul>
 */
public final class Presets {
    /** One combination: its objective, the model it trains, and the seed's published values (NaN where none). */
    public record Combo(Objective objective, String model, Published published) {}

    /** A seed's numbers for one combination; NaN where the seed did not report the value. */
    public record Published(String source, double iou, double miouB, double rmse, double mrmseB, double seconds) {}

    private Presets() {}

    private static Published b(double miou, double mrmse, double s) {
        return new Published("B: ResUNet v2 96x96, 17,500 train images, batch 128, DenseDepth pseudo-labels", Double.NaN, miou,
                Double.NaN, mrmse, s);
    }

    public static List<Combo> of(String preset) {
        List<Combo> out = new ArrayList<>();
        switch (preset.toLowerCase(Locale.ROOT)) {
            case "b" -> {
                out.add(new Combo(Objective.seedB("bce", "bce"), "resunet", b(0.1279, 0.1149, 196.1)));
                out.add(new Combo(Objective.seedB("dice-b", "bce"), "resunet", b(0.4515, 0.0858, 193.0)));
                out.add(new Combo(Objective.seedB("tversky", "bce"), "resunet", b(0.3221, 0.1018, 193.6)));
                out.add(new Combo(Objective.seedB("bce-dice", "bce"), "resunet", b(0.4578, 0.0994, 191.8)));
                out.add(new Combo(Objective.seedB("bce-tversky", "bce"), "resunet", b(0.3831, 0.0936, 192.6)));
                out.add(new Combo(Objective.seedB("bce-dice", "berhu"), "resunet", b(0.4214, 0.2882, 193.7)));
                out.add(new Combo(Objective.seedB("bce-dice", "rmse"), "resunet", b(0.4366, 0.0774, 180.8)));
                out.add(new Combo(Objective.seedB("bce-dice", "grad"), "resunet", b(0.4542, 0.1795, 185.3)));
                out.add(new Combo(Objective.seedB("bce-dice", "ssim-b"), "resunet", b(0.4413, 0.1304, 189.7)));
            }
            case "a" -> {
                String src = "A: DSResNet 96x96, 280k train images, batch 128, epoch 3, DenseDepth pseudo-labels";
                out.add(new Combo(new Objective("rmse+bce-dice", "bce-dice-a", 1, "rmse", 2), "dsresnet",
                        new Published(src, 0.893, Double.NaN, 0.021, Double.NaN, Double.NaN)));
                out.add(new Combo(new Objective("ssim+dice", "dice-a", 1, "ssim-a", 2), "dsresnet",
                        new Published(src, 0.891, Double.NaN, 0.02, Double.NaN, Double.NaN)));
                out.add(new Combo(new Objective("rmse+bce", "bce", 1, "rmse", 2), "dsresnet",
                        new Published(src, 0.826, Double.NaN, 0.021, Double.NaN, Double.NaN)));
                String m = "A: MaskNet on the mask alone, 15 epochs, IoU given only approximately (image size not stated)";
                out.add(new Combo(Objective.maskOnly("bce"), "masknet", new Published(m, 0.838, Double.NaN, Double.NaN, Double.NaN, Double.NaN)));
                out.add(new Combo(Objective.maskOnly("ssim-a"), "masknet", new Published(m, 0.857, Double.NaN, Double.NaN, Double.NaN, Double.NaN)));
                out.add(new Combo(Objective.maskOnly("dice-a"), "masknet", new Published(m, 0.862, Double.NaN, Double.NaN, Double.NaN, Double.NaN)));
            }
            default -> throw new IllegalArgumentException("unknown preset '" + preset + "'; known presets: b, a");
        }
        return out;
    }

    /** The combinations whose labels are listed (comma-separated); all when {@code only} is null or empty. */
    public static List<Combo> select(List<Combo> all, String only) {
        if (only == null || only.isBlank()) return all;
        List<Combo> out = new ArrayList<>();
        List<String> labels = all.stream().map(c -> c.objective().label()).toList();
        for (String s : only.split(",")) {
            String want = s.trim();
            Combo hit = null;
            for (Combo c : all) if (c.objective().label().equalsIgnoreCase(want)) hit = c;
            if (hit == null) {
                throw new IllegalArgumentException("--only: unknown combination '" + want + "'; this preset has: " + String.join(", ", labels));
            }
            if (!out.contains(hit)) out.add(hit);
        }
        return out;
    }
}
