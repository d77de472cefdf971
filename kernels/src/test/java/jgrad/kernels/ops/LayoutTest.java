package jgrad.kernels.ops;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

/** The host-side simplification of elementwise iteration spaces (no GPU needed). */
class LayoutTest {
    /** Offset of flat element i as the kernels compute it: dims innermost first. */
    private static long offset(Layout l, int operand, long i) {
        long o = 0;
        for (int d = 0; d < l.rank; d++) {
            o += (i % l.sizes[d]) * l.strides[operand][d];
            i /= l.sizes[d];
        }
        return o;
    }

    /** Offset of flat element i computed directly from the original shape and strides. */
    private static long direct(int[] shape, int[] strides, long i) {
        long o = 0;
        for (int d = shape.length - 1; d >= 0; d--) {
            o += (i % shape[d]) * strides[d];
            i /= shape[d];
        }
        return o;
    }

    private static void agrees(int[] shape, int[]... strides) {
        Layout l = Layout.of(shape, strides);
        long n = CudaBackend.numel(shape);
        for (int j = 0; j < strides.length; j++) {
            for (long i = 0; i < n; i++) assertEquals(direct(shape, strides[j], i), offset(l, j, i), "operand " + j + " element " + i);
        }
    }

    @Test
    void contiguousOperandsCollapseToOneDim() {
        Layout l = Layout.of(new int[]{4, 5, 6}, new int[]{30, 6, 1}, new int[]{30, 6, 1});
        assertEquals(1, l.rank);
        assertEquals(120, l.sizes[0]);
        assertArrayEquals(new int[]{1, 0, 0, 0, 0, 0, 0, 0}, l.strides[0]);
    }

    @Test
    void broadcastAndTransposedOperandsKeepTheirOffsets() {
        agrees(new int[]{4, 3, 6}, new int[]{18, 6, 1}, new int[]{0, 1, 0});
        agrees(new int[]{5, 7}, new int[]{1, 5});
        agrees(new int[]{2, 1, 3, 4}, new int[]{12, 99, 4, 1}, new int[]{0, 0, 1, 0});
        agrees(new int[]{3, 4, 5}, new int[]{1, 15, 3}, new int[]{20, 5, 1});
        Layout l = Layout.of(new int[]{2, 3, 4}, new int[]{0, 4, 1});
        assertEquals(2, l.rank, "a broadcast batch dim stays separate from the packed matrix");
    }

    @Test
    void scalarsHaveRankZero() {
        Layout l = Layout.of(new int[]{1, 1}, new int[]{7, 7});
        assertEquals(0, l.rank);
        List<Object> args = new ArrayList<>();
        l.appendTo(args);
        assertEquals(1 + 8 + 8, args.size());
    }

    @Test
    void tooManyDimsAreRejected() {
        int[] shape = {2, 2, 2, 2, 2, 2, 2, 2, 2};
        int[] strides = {1, 2, 4, 8, 16, 32, 64, 128, 256};
        var e = assertThrows(UnsupportedOperationException.class, () -> Layout.of(shape, strides));
        assertEquals(true, e.getMessage().contains("contiguous"), e.getMessage());
    }

    @Test
    void rowChunksDependOnTheLengthOnly() {
        assertEquals(5000, CudaBackend.chunk(5000));
        assertEquals(CudaBackend.CHUNK, CudaBackend.chunk(1 << 20));
        long huge = 1L << 30;
        long chunk = CudaBackend.chunk(huge);
        assertEquals(true, (huge + chunk - 1) / chunk <= 65535, "chunks must fit the grid's y dimension");
    }
}
