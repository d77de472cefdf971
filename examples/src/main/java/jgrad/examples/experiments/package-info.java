/**
 * Training runs and the loss comparison of the depth + mask application.
 *
 * <p>{@link jgrad.examples.experiments.Config} (defaults → .properties file → command-line
 * options) describes a run; {@link jgrad.examples.experiments.ExperimentData} turns a dataset
 * folder into a disjoint, background-grouped split and trainer batches (inputs {bg, fg_bg},
 * targets {depth, mask}); {@link jgrad.examples.experiments.Objective} is the weighted
 * seg + depth loss; {@link jgrad.examples.experiments.Experiment} runs the
 * {@link jgrad.nn.train.Trainer} with the seeds' metrics, checkpoints, curves and
 * {@link jgrad.examples.experiments.PredictionGrid}s; {@link jgrad.examples.experiments.CompareLosses}
 * repeats that for every combination of a {@link jgrad.examples.experiments.Presets preset} from
 * the same initial weights, and {@link jgrad.examples.experiments.Report} writes the Markdown
 * report with the seeds' published numbers beside ours.
 */
package jgrad.examples.experiments;
