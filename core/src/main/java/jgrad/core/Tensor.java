package jgrad.core;

import jgrad.core.spi.Backend;
import jgrad.core.spi.Backends;
import jgrad.core.spi.DeviceBuffer;

import java.util.Arrays;

/**
 * A float32 n-dimensional array with reverse-mode autodiff.
 *
 * <p>Storage is a flat {@code float[]} seen through a shape, strides and an offset, so views
 * (reshape of a contiguous tensor, permute, transpose, narrow, slice, expand, squeeze) share data
 * without copying; {@link #contiguous()} makes a packed copy when needed. Every op returns a new
 * tensor; when grad mode is on and an input {@linkplain #requiresGrad(boolean) requires a gradient}
 * the op records how to differentiate itself (see {@link Autograd}).
 *
 * <p>A tensor lives on one {@link Device}. On the CPU its storage is the {@code float[]}; on
 * another device it is a {@link DeviceBuffer} and every op runs on that device's
 * {@link Backend} ({@link #to(Device)} moves data; {@link MemoryScope} frees device temporaries).
 *
 * <pre>
 *   Tensor x = Tensor.of(new float[]{1, 2, 3}, 3).requiresGrad(true);
 *   Tensor y = x.mul(x).sum();     // Σ x²
 *   y.backward();
 *   x.grad();                       // [2, 4, 6]
 * </pre>
 */
public final class Tensor {
    // storage is reassigned only by moveTo (a leaf moving to another device in place)
    float[] data;
    /** Device storage, or null on the CPU (then {@link #data} is set). */
    DeviceBuffer buffer;
    int offset;
    final int[] shape;
    int[] strides;

    /**
     * Counts in-place writes to the storage; shared by every view of it, so that a write through
     * one view is seen by the graph nodes that used another (see {@link #version()}).
     */
    private final int[] version;

    boolean requiresGrad;
    boolean retainsGrad;
    Tensor grad;
    /** True when {@link #grad} is device memory that backward allocated for this tensor (freed by zeroGrad). */
    private boolean ownsGrad;
    Autograd.Node gradFn;

    Tensor(float[] data, int offset, int[] shape, int[] strides) {
        this(data, null, offset, shape, strides, new int[1]);
    }

    Tensor(DeviceBuffer buffer, int offset, int[] shape, int[] strides) {
        this(null, buffer, offset, shape, strides, new int[1]);
    }

    private Tensor(float[] data, DeviceBuffer buffer, int offset, int[] shape, int[] strides, int[] version) {
        this.data = data;
        this.buffer = buffer;
        this.offset = offset;
        this.shape = shape;
        this.strides = strides;
        this.version = version;
    }

    /** Another view of this tensor's storage (no graph recorded), sharing its {@link #version()}. */
    Tensor viewOf(int offset, int[] shape, int[] strides) {
        return new Tensor(data, buffer, offset, shape, strides, version);
    }

    /** The backend running this tensor's ops; only for tensors off the CPU. */
    Backend backend() {
        if (buffer == null) throw new IllegalStateException("backend: CPU tensors have no device backend");
        return Backends.of(buffer.device());
    }

    // ---- creation ----------------------------------------------------------------------------

    /** A new zero-filled contiguous tensor. */
    public static Tensor zeros(int... shape) {
        Shape.check("zeros", shape);
        return new Tensor(new float[Shape.numel(shape)], 0, shape.clone(), Shape.contiguousStrides(shape));
    }

    public static Tensor ones(int... shape) {
        return full(1f, shape);
    }

    public static Tensor full(float value, int... shape) {
        Tensor t = zeros(shape);
        Arrays.fill(t.data, value);
        return t;
    }

    /** A 0-dimensional tensor holding one value. */
    public static Tensor scalar(float value) {
        return new Tensor(new float[]{value}, 0, new int[0], new int[0]);
    }

    /** A contiguous tensor holding a copy of {@code values} in row-major order. */
    public static Tensor of(float[] values, int... shape) {
        Shape.check("Tensor.of", shape);
        if (values.length != Shape.numel(shape)) {
            throw new IllegalArgumentException("Tensor.of: " + values.length + " values do not fill shape "
                    + Shape.str(shape) + " (" + Shape.numel(shape) + " elements)" + noShapeHint("of", values.length, shape));
        }
        return new Tensor(values.clone(), 0, shape.clone(), Shape.contiguousStrides(shape));
    }

    /** Wraps {@code data} without copying: writes to the array are seen by the tensor. */
    public static Tensor wrap(float[] data, int... shape) {
        Shape.check("Tensor.wrap", shape);
        if (data.length != Shape.numel(shape)) {
            throw new IllegalArgumentException("Tensor.wrap: array of " + data.length + " floats does not match shape "
                    + Shape.str(shape) + noShapeHint("wrap", data.length, shape));
        }
        return new Tensor(data, 0, shape.clone(), Shape.contiguousStrides(shape));
    }

    /** For a call without a shape, which asks for a 0-d tensor (torch.tensor([..]) would be 1-D). */
    private static String noShapeHint(String op, int count, int[] shape) {
        return shape.length > 0 ? "" : "; no shape means a 0-d tensor of one value: for a 1-D tensor pass the length, "
                + "Tensor." + op + "(values, " + count + ")";
    }

    /** 0, 1, ..., n−1. */
    public static Tensor arange(int n) {
        return arange(0, n, 1);
    }

    /** start, start+step, ... while below end (above end for a negative step). */
    public static Tensor arange(float start, float end, float step) {
        if (step == 0 || !Float.isFinite(step)) throw new IllegalArgumentException("arange: step must be finite and non-zero, got " + step);
        if (!Float.isFinite(start) || !Float.isFinite(end)) {
            throw new IllegalArgumentException("arange: start and end must be finite, got " + start + " and " + end);
        }
        double count = Math.max(0, Math.ceil((end - (double) start) / step));
        if (count > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("arange: [" + start + ", " + end + ") in steps of " + step + " has " + (long) count
                    + " elements, more than 2^31-1");
        }
        int n = (int) count;
        Tensor t = zeros(n);
        for (int i = 0; i < n; i++) t.data[i] = (float) (start + (double) i * step);
        return t;
    }

    /** Uniform in [0, 1) from the given generator. */
    public static Tensor rand(Rng rng, int... shape) {
        Tensor t = zeros(shape);
        for (int i = 0; i < t.data.length; i++) t.data[i] = rng.nextFloat();
        return t;
    }

    /** Standard normal from the given generator. */
    public static Tensor randn(Rng rng, int... shape) {
        Tensor t = zeros(shape);
        for (int i = 0; i < t.data.length; i++) t.data[i] = (float) rng.nextGaussian();
        return t;
    }

    public static Tensor zerosLike(Tensor t) {
        return zeros(t.device(), t.shape);
    }

    public static Tensor onesLike(Tensor t) {
        return full(t.device(), 1f, t.shape);
    }

    // ---- devices -----------------------------------------------------------------------------

    /**
     * A new contiguous tensor on {@code device} whose values are unspecified (on the CPU: zero).
     * Device memory belongs to the innermost open {@link MemoryScope}, if any.
     */
    public static Tensor empty(Device device, int... shape) {
        Shape.check("empty", shape);
        if (device.isCpu()) return zeros(shape);
        Backend b = Backends.of(device);
        DeviceBuffer buf = b.allocate(Math.max(1, Shape.numel(shape)));
        MemoryScope.track(buf);
        return new Tensor(buf, 0, shape.clone(), Shape.contiguousStrides(shape));
    }

    /** A new zero-filled tensor on {@code device}. */
    public static Tensor zeros(Device device, int... shape) {
        return full(device, 0f, shape);
    }

    /** A new tensor on {@code device} filled with {@code value}. */
    public static Tensor full(Device device, float value, int... shape) {
        if (device.isCpu()) return full(value, shape);
        Tensor t = empty(device, shape);
        if (t.numel() > 0) t.backend().fill(t, value);
        return t;
    }

    /**
     * This tensor's values on {@code device} (this tensor itself when already there). The copy
     * is recorded: gradients flow back to this tensor's device.
     */
    public Tensor to(Device device) {
        Device from = device();
        if (from.equals(device)) return this;
        Tensor out = device.isCpu() ? zeros(shape) : empty(device, shape);
        try (var temporaries = MemoryScope.open()) { // a packed copy of a strided source dies here
            Tensor src = contiguous().detach();
            if (device.isCpu()) {
                if (out.data.length > 0) src.backend().download(src, out.data, 0);
            } else if (from.isCpu()) {
                if (src.numel() > 0) out.backend().upload(src.data, src.offset, out);
            } else {
                float[] host = new float[src.numel()];
                if (host.length > 0) {
                    src.backend().download(src, host, 0);
                    out.backend().upload(host, 0, out);
                }
            }
        }
        return Autograd.record("to", out, g -> new Tensor[]{g.to(from)}, this);
    }

    /**
     * Moves this leaf tensor's values (and its gradient) to {@code device} in place, keeping the
     * object: what {@code Module.to} does to parameters and buffers that layers hold in final
     * fields. Existing views keep the old storage; device memory left behind is released. The new
     * device memory is not owned by any {@link MemoryScope}. Returns this.
     */
    public Tensor moveTo(Device device) {
        if (gradFn != null) {
            throw new IllegalStateException("moveTo: only leaf tensors move in place; this one is the output of '" + gradFn.op
                    + "' (use to(device))");
        }
        if (device().equals(device)) return this;
        Tensor moved, movedGrad;
        try (var keep = MemoryScope.persistent(); var ng = Autograd.noGrad()) {
            moved = to(device);
            if (grad != null && grad.buffer != null && !grad.buffer.isOpen()) grad = null; // freed with its scope
            movedGrad = grad == null ? null : grad.to(device);
        }
        if (moved == this) return this;
        DeviceBuffer old = buffer;
        data = moved.data;
        buffer = moved.buffer;
        offset = moved.offset;
        strides = moved.strides;
        if (grad != null) grad.moveStorage(movedGrad);
        if (grad != null && !ownsGrad) ownsGrad = !movedGrad.isCpu();
        if (old != null) old.close();
        return this;
    }

    private void moveStorage(Tensor src) {
        DeviceBuffer old = buffer;
        data = src.data;
        buffer = src.buffer;
        offset = src.offset;
        strides = src.strides;
        if (old != null && old != buffer) old.close();
    }

    /**
     * Copies {@code src} (broadcast to this shape, from any device) into this tensor in place,
     * as {@code Tensor.copy_}; no gradient is recorded. Returns this. A source that shares this
     * tensor's storage is copied as it was before the call. An expanded destination
     * (stride 0 along a dim of size above 1) is refused, as in torch.
     */
    public Tensor copyFrom(Tensor src) {
        Elementwise.checkBroadcastsTo("copyFrom", src.shape, shape);
        for (int i = 0; i < shape.length && numel() > 0; i++) {
            if (strides[i] == 0 && shape[i] > 1) {
                throw new IllegalArgumentException("copyFrom: the destination of shape " + Shape.str(shape) + " (strides "
                        + Arrays.toString(strides) + ") is an expanded view: its " + shape[i] + " elements along dim " + i
                        + " are one memory location, as torch's copy_ refuses; copy into the tensor it was expanded from");
            }
        }
        try (var ng = Autograd.noGrad(); var scope = MemoryScope.open()) {
            Tensor s = src.device().equals(device()) ? src : src.to(device());
            // a source sharing this storage (t.copyFrom(t.transpose(0, 1))) is read whole before any write
            if (s.data == data && s.buffer == buffer) s = s.copy();
            Elementwise.copyInto(this, s);
        }
        markModified();
        return this;
    }

    /** The device storage (null for a CPU tensor): what a backend's kernels read and write. */
    public DeviceBuffer buffer() {
        return buffer;
    }

    /**
     * Frees this tensor's device memory now (shared with its views, which become unusable);
     * a no-op for CPU tensors. Tensors made inside a {@link MemoryScope} are freed by it instead.
     */
    public void release() {
        if (buffer != null) buffer.close();
    }

    boolean isCpu() {
        return buffer == null;
    }

    // ---- facts -------------------------------------------------------------------------------

    public Shape shape() {
        return Shape.of(shape);
    }

    /** The sizes as a fresh array. */
    public int[] dims() {
        return shape.clone();
    }

    public int size(int dim) {
        return shape[Shape.normalizeDim("size", dim, shape.length)];
    }

    public int rank() {
        return shape.length;
    }

    public int numel() {
        return Shape.numel(shape);
    }

    public int[] strides() {
        return strides.clone();
    }

    public int offset() {
        return offset;
    }

    /**
     * The backing array (shared with every view of it); index it with {@link #offset()} and
     * {@link #strides()}. Only CPU tensors have one.
     */
    public float[] data() {
        if (data == null) {
            throw new IllegalStateException("data(): this tensor is on " + device() + ", in device memory; use toArray() "
                    + "or to(Device.CPU) to read it on the host");
        }
        return data;
    }

    public Device device() {
        return buffer == null ? Device.CPU : buffer.device();
    }

    public boolean isContiguous() {
        for (int d : shape) if (d == 0) return true; // no element to be out of place
        int expected = 1;
        for (int i = shape.length - 1; i >= 0; i--) {
            if (shape[i] != 1 && strides[i] != expected) return false;
            expected *= shape[i];
        }
        return true;
    }

    /** The single value of a one-element tensor. */
    public float item() {
        if (numel() != 1) throw new IllegalStateException("item: tensor has shape " + Shape.str(shape) + ", not one element");
        if (buffer != null) return elementOnDevice(offset);
        return data[offset];
    }

    /** The element at the given index (one index per dimension). */
    public float get(int... index) {
        int p = flatIndex("get", index);
        return buffer != null ? elementOnDevice(p) : data[p];
    }

    /** Writes one element in place (no gradient is recorded). */
    public void set(float value, int... index) {
        int p = flatIndex("set", index);
        if (buffer != null) {
            backend().upload(new float[]{value}, 0, new Tensor(buffer, p, new int[0], new int[0]));
        } else {
            data[p] = value;
        }
        markModified();
    }

    /**
     * How many times this tensor's storage has been written in place ({@link #copyFrom},
     * {@link #set}, an optimizer step, or code that called {@link #markModified()}), counted
     * for the storage and so shared with every view of it. A recorded op notes the version of
     * its inputs and output; {@link #backward()} refuses to run through an op whose tensors have
     * changed since, because its gradient would be computed from the new values. As PyTorch's
     * {@code _version}.
     */
    public int version() {
        return version[0];
    }

    /**
     * Records that this tensor's values were changed in place by code that writes the
     * {@link #data()} array (or device memory) directly, so that graphs which used the old values
     * refuse to backpropagate (see {@link #version()}). jgrad's own in-place writers call it;
     * writes through {@code data()} that skip it go unnoticed. Returns this.
     */
    public Tensor markModified() {
        version[0]++;
        return this;
    }

    private float elementOnDevice(int position) {
        float[] v = new float[1];
        backend().download(new Tensor(buffer, position, new int[0], new int[0]), v, 0);
        return v[0];
    }

    private int flatIndex(String op, int[] index) {
        if (index.length != shape.length) {
            throw new IllegalArgumentException(op + ": " + index.length + " indices for a tensor of shape " + Shape.str(shape));
        }
        int p = offset;
        for (int i = 0; i < index.length; i++) {
            if (index[i] < 0 || index[i] >= shape[i]) {
                throw new IndexOutOfBoundsException(op + ": index " + Arrays.toString(index) + " is outside shape " + Shape.str(shape));
            }
            p += index[i] * strides[i];
        }
        return p;
    }

    /** The elements in row-major order, as a new array. */
    public float[] toArray() {
        if (buffer != null) {
            float[] out = new float[numel()];
            try (var temporaries = MemoryScope.open()) {
                Tensor c = contiguous().detach();
                if (out.length > 0) c.backend().download(c, out, 0);
            }
            return out;
        }
        if (isContiguous()) return Arrays.copyOfRange(data, offset, offset + numel());
        return contiguous().toArray();
    }

    // ---- autodiff ----------------------------------------------------------------------------

    /** Marks a leaf tensor as a parameter whose gradient {@link #backward()} should fill; returns this. */
    public Tensor requiresGrad(boolean on) {
        if (gradFn != null && !on) {
            throw new IllegalStateException("requiresGrad(false): this tensor is the output of '" + gradFn.op
                    + "'; use detach() to cut it from the graph");
        }
        requiresGrad = on;
        return this;
    }

    public boolean requiresGrad() {
        return requiresGrad;
    }

    /** The accumulated gradient, or null before any backward reached this tensor. */
    public Tensor grad() {
        return grad;
    }

    /** Replaces the gradient (null clears it); it must be on this tensor's device. */
    public void setGrad(Tensor g) {
        if (g != null && !Arrays.equals(g.shape, shape)) {
            throw new IllegalArgumentException("setGrad: gradient shape " + Shape.str(g.shape) + " does not match " + Shape.str(shape));
        }
        if (g != null && !g.device().equals(device())) {
            throw new IllegalArgumentException("setGrad: gradient on " + g.device() + " for a tensor on " + device());
        }
        if (g == grad) return;
        dropGrad();
        grad = g;
    }

    /**
     * Clears the gradient, as {@code zero_grad(set_to_none=True)}. Device memory that backward
     * allocated for it is freed now, so a tensor still holding that gradient must not be used.
     */
    public void zeroGrad() {
        dropGrad();
    }

    private void dropGrad() {
        if (ownsGrad && grad != null) grad.release();
        ownsGrad = false;
        grad = null;
    }

    /** Keeps the gradient of this intermediate result too (leaves always keep theirs). */
    public Tensor retainGrad() {
        retainsGrad = true;
        return this;
    }

    /** True for a tensor no recorded op produced. */
    public boolean isLeaf() {
        return gradFn == null;
    }

    /** Name of the op that produced this tensor, or null for a leaf. */
    public String gradFnName() {
        return gradFn == null ? null : gradFn.op;
    }

    /** Backpropagates from a scalar: fills {@link #grad()} of every leaf that requires one. */
    public void backward() {
        Autograd.backward(this, null, false);
    }

    /** Backpropagates with an explicit gradient of this tensor's shape. */
    public void backward(Tensor gradient) {
        Autograd.backward(this, gradient, false);
    }

    /** As {@link #backward(Tensor)}; with retainGraph the graph may be walked again. */
    public void backward(Tensor gradient, boolean retainGraph) {
        Autograd.backward(this, gradient, retainGraph);
    }

    /** The same data, cut from the graph. */
    public Tensor detach() {
        return viewOf(offset, shape, strides);
    }

    /**
     * grad += g, in place (counted in the gradient's {@link #version()}, as PyTorch's
     * accumulation). A first device gradient is allocated outside any {@link MemoryScope}, so it
     * outlives the step's scope (gradient accumulation over several scopes works) until zeroGrad.
     */
    void accumulateGrad(Tensor g) {
        if (grad == null) {
            if (g.isCpu()) {
                grad = g.copy();
            } else {
                try (var keep = MemoryScope.persistent()) {
                    grad = g.copy();
                }
                ownsGrad = true;
            }
        } else {
            Elementwise.addInto(grad, g);
            grad.markModified(); // accumulation writes the gradient in place
        }
    }

    // ---- views -------------------------------------------------------------------------------

    /**
     * A view with a new shape (one size may be −1); the tensor must be contiguous, where torch
     * also views some strided tensors whose strides happen to fit (use {@link #reshape}).
     */
    public Tensor view(int... newShape) {
        int[] s = inferShape("view", newShape);
        if (!isContiguous()) {
            throw new IllegalStateException("view: tensor of shape " + Shape.str(shape) + " with strides "
                    + Arrays.toString(strides) + " is not contiguous; use reshape() (copies) or contiguous() first");
        }
        Tensor out = viewOf(offset, s, Shape.contiguousStrides(s));
        int[] in = shape;
        return Autograd.record("view", out, g -> new Tensor[]{g.reshape(in)}, this);
    }

    /** As {@link #view}, copying first when the tensor is not contiguous. */
    public Tensor reshape(int... newShape) {
        return isContiguous() ? view(newShape) : contiguous().view(newShape);
    }

    /** Every dim into one, as {@code torch.flatten(x)}: shape [numel] (a 0-d tensor gives [1]). */
    public Tensor flatten() {
        return flatten(0, -1);
    }

    /** Flattens dims [start, end] into one; a 0-d tensor (dims 0 or −1) becomes one element of shape [1], as torch. */
    public Tensor flatten(int startDim, int endDim) {
        if (shape.length == 0) {
            Shape.normalizeDim("flatten", startDim, 1);
            Shape.normalizeDim("flatten", endDim, 1);
            return reshape(1);
        }
        int s = Shape.normalizeDim("flatten", startDim, shape.length), e = Shape.normalizeDim("flatten", endDim, shape.length);
        if (s > e) throw new IllegalArgumentException("flatten: start dim " + startDim + " is after end dim " + endDim);
        int[] ns = new int[shape.length - (e - s)];
        int k = 0;
        for (int i = 0; i < s; i++) ns[k++] = shape[i];
        int m = 1;
        for (int i = s; i <= e; i++) m *= shape[i];
        ns[k++] = m;
        for (int i = e + 1; i < shape.length; i++) ns[k++] = shape[i];
        return reshape(ns);
    }

    private int[] inferShape(String op, int[] newShape) {
        int infer = -1, known = 1;
        for (int i = 0; i < newShape.length; i++) {
            if (newShape[i] == -1) {
                if (infer >= 0) throw new IllegalArgumentException(op + ": only one size may be -1, got " + Arrays.toString(newShape));
                infer = i;
            } else if (newShape[i] < 0) {
                throw new IllegalArgumentException(op + ": negative size in " + Arrays.toString(newShape));
            } else {
                known *= newShape[i];
            }
        }
        int n = numel();
        int[] s = newShape.clone();
        if (infer >= 0) {
            if (known == 0 || n % known != 0) {
                throw new IllegalArgumentException(op + ": cannot infer -1 in " + Arrays.toString(newShape) + " for "
                        + n + " elements of shape " + Shape.str(shape));
            }
            s[infer] = n / known;
        } else if (known != n) {
            throw new IllegalArgumentException(op + ": shape " + Arrays.toString(newShape) + " (" + known
                    + " elements) does not match " + Shape.str(shape) + " (" + n + " elements)");
        }
        return s;
    }

    /** Reorders dimensions: output dim i is input dim perm[i]. */
    public Tensor permute(int... perm) {
        if (perm.length != shape.length) {
            throw new IllegalArgumentException("permute: " + perm.length + " dims given for a tensor of shape " + Shape.str(shape));
        }
        int[] p = new int[perm.length], inv = new int[perm.length];
        boolean[] used = new boolean[perm.length];
        int[] ns = new int[perm.length], nst = new int[perm.length];
        for (int i = 0; i < perm.length; i++) {
            p[i] = Shape.normalizeDim("permute", perm[i], shape.length);
            if (used[p[i]]) throw new IllegalArgumentException("permute: dimension " + perm[i] + " repeated in " + Arrays.toString(perm));
            used[p[i]] = true;
            ns[i] = shape[p[i]];
            nst[i] = strides[p[i]];
            inv[p[i]] = i;
        }
        Tensor out = viewOf(offset, ns, nst);
        return Autograd.record("permute", out, g -> new Tensor[]{g.permute(inv)}, this);
    }

    /** Swaps two dimensions. */
    public Tensor transpose(int dim0, int dim1) {
        int a = Shape.normalizeDim("transpose", dim0, shape.length), b = Shape.normalizeDim("transpose", dim1, shape.length);
        int[] perm = new int[shape.length];
        for (int i = 0; i < perm.length; i++) perm[i] = i;
        perm[a] = b;
        perm[b] = a;
        return permute(perm);
    }

    /** Elements [start, start+length) along dim, as a view; a negative start counts from the end, as torch.narrow. */
    public Tensor narrow(int dim, int start, int length) {
        int d = Shape.normalizeDim("narrow", dim, shape.length);
        if (start < 0 && start >= -shape[d]) start += shape[d];
        if (start < 0 || length < 0 || length > shape[d] - start) { // not start + length: it may pass 2^31
            throw new IllegalArgumentException("narrow: range [" + start + ", " + (start + (long) length) + ") is outside dim "
                    + dim + " of size " + shape[d] + " (shape " + Shape.str(shape) + ")");
        }
        return slice(d, start, start + length, 1);
    }

    /**
     * Elements start, start+step, ... below end along dim, as a view: {@code x[start:end:step]}
     * in Python, with its rules. A negative start or end counts from the end (−1 is the last
     * element); both are then clamped to [0, size], and an end at or before start gives an empty
     * view. So {@code slice(0, -2, Integer.MAX_VALUE, 1)} is the last two elements.
     */
    public Tensor slice(int dim, int start, int end, int step) {
        int d = Shape.normalizeDim("slice", dim, shape.length);
        if (step <= 0) throw new IllegalArgumentException("slice: step must be positive, got " + step);
        int from = clampIndex(start, shape[d]), to = Math.max(from, clampIndex(end, shape[d]));
        int[] ns = shape.clone(), nst = strides.clone();
        ns[d] = to == from ? 0 : (to - from - 1) / step + 1; // ⌈(end − start)/step⌉ without overflow for a large step
        nst[d] = strides[d] * step;
        Tensor out = viewOf(offset + from * strides[d], ns, nst);
        int[] in = shape;
        return Autograd.record("slice", out, g -> {
            Tensor full = zeros(g.device(), in);
            Elementwise.copyInto(full.slice(d, from, to, step), g);
            return new Tensor[]{full};
        }, this);
    }

    /** Python's index rule for a slice end: negative counts from the end, then clamped to [0, size]. */
    private static int clampIndex(int i, int size) {
        long j = i < 0 ? (long) i + size : i;
        return (int) Math.max(0, Math.min(size, j));
    }

    /** Broadcasts size-1 dims (and new leading dims) to the given sizes without copying; −1 keeps a size. */
    public Tensor expand(int... sizes) {
        if (sizes.length < shape.length) {
            throw new IllegalArgumentException("expand: target " + Arrays.toString(sizes) + " has fewer dims than " + Shape.str(shape));
        }
        int lead = sizes.length - shape.length;
        int[] ns = new int[sizes.length], nst = new int[sizes.length];
        for (int i = 0; i < sizes.length; i++) {
            int src = i - lead;
            int cur = src >= 0 ? shape[src] : 1;
            int want = sizes[i] == -1 && src >= 0 ? cur : sizes[i];
            if (want < 0) throw new IllegalArgumentException("expand: invalid size " + sizes[i] + " in " + Arrays.toString(sizes));
            if (src >= 0 && cur != 1 && cur != want) {
                throw new IllegalArgumentException("expand: cannot expand " + Shape.str(shape) + " to " + Arrays.toString(sizes)
                        + " (dim " + i + " has size " + cur + ")");
            }
            ns[i] = want;
            nst[i] = src >= 0 && cur == want ? strides[src] : 0;
        }
        Tensor out = viewOf(offset, ns, nst);
        int[] in = shape;
        return Autograd.record("expand", out, g -> new Tensor[]{Reductions.sumTo(g, in)}, this);
    }

    /** Inserts a size-1 dimension at dim (which may equal the rank). */
    public Tensor unsqueeze(int dim) {
        int d = Shape.normalizeInsertDim("unsqueeze", dim, shape.length); // −1 appends, as torch
        int[] ns = new int[shape.length + 1], nst = new int[shape.length + 1];
        for (int i = 0, j = 0; i < ns.length; i++) {
            if (i == d) {
                ns[i] = 1;
                nst[i] = d < shape.length ? strides[d] * shape[d] : 1;
            } else {
                ns[i] = shape[j];
                nst[i] = strides[j++];
            }
        }
        return viewAs("unsqueeze", ns, nst);
    }

    /** Removes every dimension of size 1, as {@code torch.squeeze(x)}, as a view. */
    public Tensor squeeze() {
        int ones = 0;
        for (int size : shape) if (size == 1) ones++;
        int[] ns = new int[shape.length - ones], nst = new int[shape.length - ones];
        for (int i = 0, j = 0; i < shape.length; i++) {
            if (shape[i] == 1) continue;
            ns[j] = shape[i];
            nst[j++] = strides[i];
        }
        return viewAs("squeeze", ns, nst);
    }

    /**
     * Removes dimension dim, which must have size 1: a dim of another size throws, where
     * {@code torch.squeeze(x, dim)} would return x unchanged. A 0-d tensor takes dim 0 or −1 and
     * comes back as it is, as in torch.
     */
    public Tensor squeeze(int dim) {
        if (shape.length == 0 && (dim == 0 || dim == -1)) return this;
        int d = Shape.normalizeDim("squeeze", dim, shape.length);
        if (shape[d] != 1) throw new IllegalArgumentException("squeeze: dim " + dim + " has size " + shape[d] + ", not 1 (shape " + Shape.str(shape) + ")");
        int[] ns = new int[shape.length - 1], nst = new int[shape.length - 1];
        for (int i = 0, j = 0; i < shape.length; i++) {
            if (i == d) continue;
            ns[j] = shape[i];
            nst[j++] = strides[i];
        }
        return viewAs("squeeze", ns, nst);
    }

    private Tensor viewAs(String op, int[] ns, int[] nst) {
        Tensor out = viewOf(offset, ns, nst);
        int[] in = shape;
        return Autograd.record(op, out, g -> new Tensor[]{g.reshape(in)}, this);
    }

    /** This tensor if already contiguous, else a packed copy (gradient flows through). */
    public Tensor contiguous() {
        if (isContiguous()) return this;
        return copy();
    }

    /** A packed copy that owns its data (gradient flows through). */
    public Tensor copy() {
        Tensor out = empty(device(), shape);
        Elementwise.copyInto(out, this);
        return Autograd.record("copy", out, g -> new Tensor[]{g}, this);
    }

    // ---- elementwise -------------------------------------------------------------------------

    public Tensor add(Tensor o) { return Elementwise.binary(BinaryOp.ADD, this, o); }
    public Tensor sub(Tensor o) { return Elementwise.binary(BinaryOp.SUB, this, o); }
    public Tensor mul(Tensor o) { return Elementwise.binary(BinaryOp.MUL, this, o); }
    public Tensor div(Tensor o) { return Elementwise.binary(BinaryOp.DIV, this, o); }
    public Tensor pow(Tensor o) { return Elementwise.binary(BinaryOp.POW, this, o); }
    public Tensor maximum(Tensor o) { return Elementwise.binary(BinaryOp.MAXIMUM, this, o); }
    public Tensor minimum(Tensor o) { return Elementwise.binary(BinaryOp.MINIMUM, this, o); }

    public Tensor add(float v) { return add(scalar(v)); }
    public Tensor sub(float v) { return sub(scalar(v)); }
    public Tensor mul(float v) { return mul(scalar(v)); }
    public Tensor div(float v) { return div(scalar(v)); }
    public Tensor pow(float v) { return pow(scalar(v)); }
    public Tensor maximum(float v) { return maximum(scalar(v)); }
    public Tensor minimum(float v) { return minimum(scalar(v)); }

    /** v − this. */
    public Tensor rsub(float v) { return scalar(v).sub(this); }

    public Tensor neg() { return Elementwise.unary(UnaryOp.NEG, this); }
    public Tensor exp() { return Elementwise.unary(UnaryOp.EXP, this); }
    public Tensor log() { return Elementwise.unary(UnaryOp.LOG, this); }
    public Tensor log1p() { return Elementwise.unary(UnaryOp.LOG1P, this); }
    public Tensor sqrt() { return Elementwise.unary(UnaryOp.SQRT, this); }
    public Tensor abs() { return Elementwise.unary(UnaryOp.ABS, this); }
    public Tensor sigmoid() { return Elementwise.unary(UnaryOp.SIGMOID, this); }
    public Tensor tanh() { return Elementwise.unary(UnaryOp.TANH, this); }
    public Tensor relu() { return Elementwise.unary(UnaryOp.RELU, this); }

    /** x² (composite). */
    public Tensor square() { return mul(this); }

    /**
     * Limits values to [min, max]; the gradient passes where min ≤ x ≤ max (bounds included, as
     * torch), and NaN stays NaN with gradient 0. min &gt; max (or a NaN bound) throws, where
     * torch.clamp would set every element to max.
     */
    public Tensor clamp(float min, float max) { return Elementwise.clamp(this, min, max); }

    public Tensor eq(Tensor o) { return Elementwise.binary(BinaryOp.EQ, this, o); }
    public Tensor ne(Tensor o) { return Elementwise.binary(BinaryOp.NE, this, o); }
    public Tensor lt(Tensor o) { return Elementwise.binary(BinaryOp.LT, this, o); }
    public Tensor le(Tensor o) { return Elementwise.binary(BinaryOp.LE, this, o); }
    public Tensor gt(Tensor o) { return Elementwise.binary(BinaryOp.GT, this, o); }
    public Tensor ge(Tensor o) { return Elementwise.binary(BinaryOp.GE, this, o); }
    public Tensor eq(float v) { return eq(scalar(v)); }
    public Tensor ne(float v) { return ne(scalar(v)); }
    public Tensor lt(float v) { return lt(scalar(v)); }
    public Tensor le(float v) { return le(scalar(v)); }
    public Tensor gt(float v) { return gt(scalar(v)); }
    public Tensor ge(float v) { return ge(scalar(v)); }

    /** Elementwise choice: a where cond ≠ 0, else b (all three broadcast together). */
    public static Tensor where(Tensor cond, Tensor a, Tensor b) {
        return Elementwise.where(cond, a, b);
    }

    // ---- reductions --------------------------------------------------------------------------

    /**
     * Sum of all elements, as a 0-d tensor. Every sum is accumulated in double (on the vector path,
     * runs of 1024 floats in float lanes, then in double) and rounded to float once, so 2^24 + 2
     * ones sum to exactly 16777218, where a float running sum stops at 2^24. An empty tensor
     * sums to 0.
     */
    public Tensor sum() { return Reductions.sum(this, allDims(), false); }

    /**
     * Sum over dims (negative dims count from the end; each at most once). An empty {@code dims}
     * reduces no dim, here and in mean, max, min and var over dims; torch reads {@code dim=[]}
     * as every dim, which is {@link #sum()} here.
     */
    public Tensor sum(int[] dims, boolean keepDim) { return Reductions.sum(this, dims, keepDim); }

    public Tensor sum(int dim) { return sum(new int[]{dim}, false); }

    /**
     * Mean of all elements. Over an empty dim, mean (and var) throws IllegalArgumentException,
     * where torch returns NaN.
     */
    public Tensor mean() { return Reductions.mean(this, allDims(), false); }

    public Tensor mean(int[] dims, boolean keepDim) { return Reductions.mean(this, dims, keepDim); }

    public Tensor mean(int dim) { return mean(new int[]{dim}, false); }

    /**
     * Largest element, as {@code torch.amax} over every dim: ties share the gradient equally. Where
     * the result is NaN every element's gradient is NaN, as amax; {@code torch.max(x)} (no dim)
     * would give it to the NaN elements alone.
     */
    public Tensor max() { return Reductions.extreme(this, allDims(), false, true); }

    /**
     * Largest values over dims, as {@code torch.amax}: the values only, no indices, and tied maxima
     * share the gradient equally ({@code torch.max(x, dim)} returns indices and sends the whole
     * gradient to one of them).
     */
    public Tensor max(int[] dims, boolean keepDim) { return Reductions.extreme(this, dims, keepDim, true); }

    /** Smallest element: see {@link #max()}. */
    public Tensor min() { return Reductions.extreme(this, allDims(), false, false); }

    /** Smallest values over dims, as {@code torch.amin}: see {@link #max(int[], boolean)}. */
    public Tensor min(int[] dims, boolean keepDim) { return Reductions.extreme(this, dims, keepDim, false); }

    /**
     * Index of the largest element along dim, as {@code torch.argmax}: the first one when several
     * tie, the first NaN when there is one. A float tensor of indices, without a gradient.
     */
    public Tensor argmax(int dim, boolean keepDim) { return Reductions.argExtreme(this, dim, keepDim, true); }

    /** Index of the smallest element along dim, as {@code torch.argmin}: see {@link #argmax}. */
    public Tensor argmin(int dim, boolean keepDim) { return Reductions.argExtreme(this, dim, keepDim, false); }

    /** Variance over all elements with Bessel's correction (as torch.var). */
    public Tensor var() { return Reductions.var(this, allDims(), 1, false); }

    /**
     * Variance over dims; correction 1 is unbiased (torch default), 0 is the population variance. The
     * divisor is max(0, n − correction), as torch: a correction of n or more gives +∞ (NaN for constant input).
     */
    public Tensor var(int[] dims, int correction, boolean keepDim) { return Reductions.var(this, dims, correction, keepDim); }

    int[] allDims() {
        int[] d = new int[shape.length];
        for (int i = 0; i < d.length; i++) d[i] = i;
        return d;
    }

    // ---- linear algebra ----------------------------------------------------------------------

    /**
     * Matrix product with batch broadcasting, as {@code torch.matmul}: 1-D operands are treated as
     * a row (left) or column (right) vector and the added dim is removed from the result.
     */
    public Tensor matmul(Tensor other) {
        return LinearAlgebra.matmul(this, other);
    }



    // ---- joining and splitting ---------------------------------------------------------------

    /** Concatenates along dim; all other sizes must match. */
    public static Tensor cat(int dim, Tensor... tensors) {
        return Joining.cat(dim, tensors);
    }


    /** Stacks equally shaped tensors along a new dim. */
    public static Tensor stack(int dim, Tensor... tensors) {
        return Joining.stack(dim, tensors);
    }


    /** Splits into views of splitSize along dim (the last may be smaller), as {@code torch.split}. */
    public Tensor[] split(int splitSize, int dim) {
        return Joining.split(this, splitSize, dim);
    }



    // ---- printing ----------------------------------------------------------------------------

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("Tensor").append(Shape.str(shape));
        if (buffer != null) sb.append(" device=").append(device());
        if (buffer != null && !buffer.isOpen()) return sb.append(" (released)").toString();
        if (gradFn != null) sb.append(" grad_fn=").append(gradFn.op);
        else if (requiresGrad) sb.append(" requires_grad");
        int n = numel();
        if (n <= 64) {
            float[] v = toArray();
            sb.append(' ').append(Arrays.toString(v));
        } else {
            // the first and last three values in row-major order, as torch summarises a large tensor;
            // only those six are read (a device tensor is not copied whole)
            try (var ignored = Autograd.noGrad()) {
                Tensor flat = reshape(n);
                String head = Arrays.toString(flat.narrow(0, 0, 3).toArray()), tail = Arrays.toString(flat.narrow(0, n - 3, 3).toArray());
                sb.append(' ').append(head, 0, head.length() - 1).append(", ..., ").append(tail, 1, tail.length());
            }
        }
        return sb.toString();
    }
}
