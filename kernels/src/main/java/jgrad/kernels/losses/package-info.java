/**
 * The fused loss kernels on CUDA: {@link jgrad.kernels.losses.CudaLosses} launches the kernels of
 * {@code kernels/src/main/cuda/losses} (one or two per loss, forward and backward together) on
 * device pointers, and {@link jgrad.kernels.losses.CudaLossKernels} serves them to
 * {@code jgrad.losses} through its {@link jgrad.losses.LossKernels} service interface.
 */
package jgrad.kernels.losses;
