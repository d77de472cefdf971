package jgrad.nn.optim;

import jgrad.core.Tensor;

import java.util.Map;

/**
 * An optimizer's resumable state: {@code meta} holds JSON values (type, group options, step counts;
 * write it with {@link jgrad.nn.io.Json}), {@code tensors} the per-parameter buffers (write them with
 * {@link jgrad.nn.io.SafeTensors}).
 */
public record OptimizerState(Map<String, Object> meta, Map<String, Tensor> tensors) {}
