package jgrad.nn.train;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What one epoch produced.
 *
 * @param epoch          1-based
 * @param loss           mean training loss over samples (each batch's loss weighted by its size)
 * @param valLoss        the same over the validation data, NaN without validation
 * @param metrics        training metrics by name
 * @param valMetrics     validation metrics by name (names without the {@code val_} prefix)
 * @param lr             learning rate of the first parameter group at the start of the epoch
 * @param seconds        wall time of the epoch (training and validation)
 * @param imagesPerSecond training samples divided by the training time
 */
public record EpochStats(int epoch, double loss, double valLoss, Map<String, Double> metrics,
                         Map<String, Double> valMetrics, double lr, double seconds, double imagesPerSecond) {
    public EpochStats {
        metrics = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(metrics));
        valMetrics = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(valMetrics));
    }

    /**
     * All values by the names a monitor uses: {@code loss}, {@code val_loss}, each metric name and
     * {@code val_} + each metric name.
     */
    public Map<String, Double> values() {
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("loss", loss);
        m.putAll(metrics);
        m.put("val_loss", valLoss);
        valMetrics.forEach((k, v) -> m.put("val_" + k, v));
        return m;
    }
}
