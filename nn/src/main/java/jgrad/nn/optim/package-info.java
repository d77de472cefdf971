/**
 * Optimizers with PyTorch's update rules: {@link jgrad.nn.optim.SGD} (momentum, dampening,
 * nesterov, weight decay), {@link jgrad.nn.optim.Adam} and {@link jgrad.nn.optim.AdamW}, over
 * optional {@link jgrad.nn.optim.ParamGroup}s; state for resume as {@link jgrad.nn.optim.OptimizerState}.
 */
package jgrad.nn.optim;
