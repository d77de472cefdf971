/**
 * The seeds' depth + mask models: {@link jgrad.examples.models.MaskNet} and
 * {@link jgrad.examples.models.DSResNet} (seed A) and {@link jgrad.examples.models.ResUNet} v2 (seed B),
 * all taking (bg, fg_bg) and returning logits through the {@link jgrad.examples.models.JointModel}
 * convention, built by name with {@link jgrad.examples.models.Models#create}. Each model's class
 * comment gives its architecture and its parameter count at the published and at smaller widths.
 */
package jgrad.examples.models;
