/**
 * Neural-network building blocks in the style of {@code torch.nn}.
 *
 * <p>{@link jgrad.nn.Module} owns named parameters, buffers and children and gives PyTorch-ordered
 * state dicts; layers ({@link jgrad.nn.Conv2d}, {@link jgrad.nn.BatchNorm2d}, {@link jgrad.nn.Linear},
 * ...) wrap the fused ops of {@link jgrad.core.Functional}. A model is called with
 * {@code call(x)} (one input, one output) or {@code callAll(a, b)} (several), which run forward
 * hooks; {@link jgrad.nn.Summary} uses them to print a torchsummary-style table.
 *
 * <pre>
 *   Rng.manualSeed(0);
 *   Module net = new Sequential(new Conv2d(3, 16, 3, 1, 1), new ReLU(), new BatchNorm2d(16));
 *   Optimizer opt = new SGD(net.parameters(), 0.01, 0.9);
 *   LRScheduler sched = new ReduceLROnPlateau(opt, ReduceLROnPlateau.Mode.MIN, 0.1, 2, 1e-6);
 *   opt.zeroGrad();
 *   loss(net.call(x)).backward();
 *   opt.step();
 *   sched.step(validationLoss);          // once per epoch
 *   net.save(Path.of("model.safetensors"));
 * </pre>
 *
 * Subpackages: {@code optim} (SGD, Adam, AdamW), {@code sched} (StepLR, ReduceLROnPlateau,
 * OneCycleLR), {@code io} (safetensors, JSON, atomic files).
 */
package jgrad.nn;
