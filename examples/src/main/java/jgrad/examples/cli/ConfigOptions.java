package jgrad.examples.cli;

import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The training options shared by {@code train}, {@code compare-losses} and {@code lr-find}: each
 * one overrides the key of the same name in the configuration (defaults → {@code --config} file →
 * these options).
 */
public final class ConfigOptions {
    @Option(names = "--config", paramLabel = "FILE", description = "A .properties file with training keys (model, width, size, "
            + "batch, epochs, optimizer, lr, scheduler, max-lr, seg-loss, depth-loss, data, train, val, seed, device, ...). "
            + "Command-line options override it.")
    Path config;

    @Option(names = "--model", description = "masknet, dsresnet or resunet.")
    String model;

    @Option(names = "--width", description = "Base channel count, or 'full' for the published width.")
    String width;

    @Option(names = "--data", paramLabel = "DIR", description = "Dataset folder (layout A or B). Without it a synthetic set is generated and cached.")
    String data;

    @Option(names = "--size", description = "Image side in pixels.")
    String size;

    @Option(names = "--train", paramLabel = "N", description = "Training images (0 = all of the training part).")
    String train;

    @Option(names = "--val", paramLabel = "N", description = "Validation images (0 = all of the validation part).")
    String val;

    @Option(names = "--batch", description = "Batch size.")
    String batch;

    @Option(names = "--epochs", description = "Epochs.")
    String epochs;

    @Option(names = "--optimizer", description = "sgd, adam or adamw.")
    String optimizer;

    @Option(names = "--lr", description = "Learning rate.")
    String lr;

    @Option(names = "--weight-decay", description = "Weight decay.")
    String weightDecay;

    @Option(names = "--scheduler", description = "none, step, plateau or onecycle.")
    String scheduler;

    @Option(names = "--max-lr", description = "OneCycleLR peak learning rate.")
    String maxLr;

    @Option(names = "--seg-loss", description = "Mask loss (a registry name, see `jgrad loss --help`).")
    String segLoss;

    @Option(names = "--depth-loss", description = "Depth loss (a registry name).")
    String depthLoss;

    @Option(names = "--augment", description = "Photometric augmentation of the training inputs (true/false).")
    String augment;

    @Option(names = "--seed", description = "Seed for the weights, the split and the data order.")
    String seed;

    @Option(names = "--device", description = "cpu or cuda (needs an NVIDIA GPU with its driver, cuBLAS and cuDNN 9).")
    String device;

    @Option(names = "--on-error", paramLabel = "fail|skip", description = "A missing, unreadable, mismatched or unpaired sample "
            + "file stops the run naming it (fail, the default) or is left out and counted (skip).")
    String onError;

    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "Any other configuration key (repeatable), e.g. --set momentum=0.8.")
    Map<String, String> set;

    /** The options given, as configuration keys (absent options are left out; --set first, named options win). */
    public Map<String, String> overrides() {
        Map<String, String> m = new LinkedHashMap<>();
        if (set != null) m.putAll(set);
        put(m, "model", model);
        put(m, "width", width == null ? null : width.equalsIgnoreCase("full") ? "0" : width);
        put(m, "data", data);
        put(m, "size", size);
        put(m, "train", train);
        put(m, "val", val);
        put(m, "batch", batch);
        put(m, "epochs", epochs);
        put(m, "optimizer", optimizer);
        put(m, "lr", lr);
        put(m, "weight-decay", weightDecay);
        put(m, "scheduler", scheduler);
        put(m, "max-lr", maxLr);
        put(m, "seg-loss", segLoss);
        put(m, "depth-loss", depthLoss);
        put(m, "augment", augment);
        put(m, "seed", seed);
        put(m, "device", device);
        put(m, "on-error", onError);
        return m;
    }

    private static void put(Map<String, String> m, String k, String v) {
        if (v != null) m.put(k, v);
    }
}
