/**
 * Learning-rate schedulers with PyTorch's semantics: {@link jgrad.nn.sched.StepLR},
 * {@link jgrad.nn.sched.ReduceLROnPlateau} and {@link jgrad.nn.sched.OneCycleLR}.
 */
package jgrad.nn.sched;
