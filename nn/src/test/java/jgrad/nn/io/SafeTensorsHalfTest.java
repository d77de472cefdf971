package jgrad.nn.io;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import org.junit.jupiter.api.Test;

/**
 * Half-precision checkpoints ({@code model.half()}, bfloat16 models) as the Python safetensors
 * library writes them: a {@code __metadata__} entry, tensors sorted by name, header padded with
 * spaces to 8 bytes. Both types widen to float32 exactly, so they are read, not refused.
 */
class SafeTensorsHalfTest {
    @Test
    void f16AndBf16ReadExactly() {
        // F16 bits: 1.0, -2.0, 65504 (largest), 2^-24 (smallest subnormal), -0.0, +inf, a NaN
        short[] f16 = {0x3C00, (short) 0xC000, 0x7BFF, 0x0001, (short) 0x8000, 0x7C00, 0x7E01};
        // BF16 bits: 1.5, -2.0, -0.0, 3.3895314e38 (largest), a NaN with a payload
        short[] bf16 = {0x3FC0, (short) 0xC000, (short) 0x8000, 0x7F7F, 0x7FC1};
        String header = "{\"__metadata__\":{\"format\":\"pt\"},"
                + "\"a\":{\"dtype\":\"BF16\",\"shape\":[5],\"data_offsets\":[0,10]},"
                + "\"b\":{\"dtype\":\"F16\",\"shape\":[7],\"data_offsets\":[10,24]}}";
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        int padded = (h.length + 7) / 8 * 8;
        ByteBuffer buf = ByteBuffer.allocate(8 + padded + 24).order(ByteOrder.LITTLE_ENDIAN);
        buf.putLong(padded).put(h);
        for (int i = h.length; i < padded; i++) buf.put((byte) ' ');
        for (short s : bf16) buf.putShort(s);
        for (short s : f16) buf.putShort(s);

        SafeTensors.Contents c = SafeTensors.parse(buf.array(), "half.safetensors");
        assertEquals(Map.of("format", "pt"), c.metadata());
        float[] a = c.tensors().get("a").toArray(), b = c.tensors().get("b").toArray();
        assertArrayEquals(new int[]{5}, c.tensors().get("a").dims());
        assertArrayEquals(new float[]{1.5f, -2f, -0f, 3.3895314e38f}, java.util.Arrays.copyOf(a, 4));
        assertEquals(0x80000000, Float.floatToRawIntBits(a[2]));
        assertEquals(0x7FC10000, Float.floatToRawIntBits(a[4]));
        assertArrayEquals(new float[]{1f, -2f, 65504f, 0x1p-24f, -0f, Float.POSITIVE_INFINITY}, java.util.Arrays.copyOf(b, 6));
        assertEquals(0x80000000, Float.floatToRawIntBits(b[4]));
        assertTrue(Float.isNaN(b[6]));
    }
}
