package jgrad.losses;

import java.util.Arrays;

/** Run in a child JVM with -Djgrad.threads=N (by ThreadCountIndependenceTest): each registered loss's value and gradient bits. */
public final class ThreadCountProbe {
    public static void main(String[] args) {
        int[][] shapes = {{3, 2, 33, 17}, {4, 1, 96, 96}, {1, 1, 64, 2048}};
        StringBuilder out = new StringBuilder();
        for (String name : Losses.names()) {
            for (int[] shape : shapes) {
                int n = shape[0] * shape[1] * shape[2] * shape[3];
                java.util.Random r = new java.util.Random(7);
                float[] p = new float[n], t = new float[n], g = new float[n];
                for (int i = 0; i < n; i++) {
                    p[i] = (float) r.nextGaussian() * 2;
                    t[i] = r.nextFloat();
                }
                double v = Losses.get(name).forwardBackward(p, t, shape, g, 1f, false);
                out.append(name).append(Arrays.toString(shape)).append(' ').append(Double.doubleToLongBits(v)).append(' ')
                        .append(Arrays.hashCode(g)).append('\n');
            }
        }
        System.out.print(out);
    }
}
