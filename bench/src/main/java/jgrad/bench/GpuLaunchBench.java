package jgrad.bench;

import jgrad.core.Device;
import jgrad.core.MemoryScope;
import jgrad.core.Tensor;
import jgrad.core.spi.Backend;
import jgrad.core.spi.Backends;
import org.openjdk.jmh.annotations.*;

import java.util.concurrent.TimeUnit;

/**
 * The host cost of one kernel launch through jgrad, in microseconds per launch: 1,000 launches of
 * the fill kernel on a one-float tensor (no allocation, nothing to wait for), then one wait for
 * the GPU. {@code fill} is the bare launch path (argument checks, packing, cuLaunchKernel);
 * {@code add} adds a user-level op on top: an output allocated from the caching allocator, the
 * autodiff bookkeeping and the freeing scope, for 1-element tensors.
 *
 * <p>Without a usable CUDA device the setup fails with the backend's reason.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
public class GpuLaunchBench {
    static final int LAUNCHES = 1000;

    private Backend backend;
    private Tensor one, two;

    @Setup
    public void setup() {
        Device gpu = Device.cuda();
        backend = Backends.of(gpu);
        one = Tensor.zeros(gpu, 1);
        two = Tensor.zeros(gpu, 1);
    }

    @Benchmark
    @OperationsPerInvocation(LAUNCHES)
    public void fill() {
        for (int i = 0; i < LAUNCHES; i++) backend.fill(one, i);
        backend.synchronize();
    }

    @Benchmark
    @OperationsPerInvocation(LAUNCHES)
    public void add() {
        try (var scope = MemoryScope.open()) {
            for (int i = 0; i < LAUNCHES; i++) one.add(two);
            backend.synchronize();
        }
    }
}
