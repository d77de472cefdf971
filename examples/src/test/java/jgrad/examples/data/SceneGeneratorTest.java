package jgrad.examples.data;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import jgrad.core.Rng;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class SceneGeneratorTest {
    @TempDir
    Path tmp;

    @ParameterizedTest
    @EnumSource(Layout.class)
    void sameSeedSameBytesWhateverTheThreadCount(Layout layout) throws IOException {
        Path one = tmp.resolve("one"), three = tmp.resolve("three"), other = tmp.resolve("other");
        TestData.generate(one, layout, 10, 4, 24, 7, 1);
        TestData.generate(three, layout, 10, 4, 24, 7, 3);
        TestData.generate(other, layout, 10, 4, 24, 8, 2);
        List<Path> files = TestData.files(one);
        assertEquals(files, TestData.files(three));
        // 3 backgrounds (4 + 4 + 2 variants), four files per variant, plus file_map.txt in A
        assertEquals(3 + 10 * 3 + (layout == Layout.A ? 1 : 0), files.size());
        int differing = 0;
        for (Path f : files) {
            byte[] a = Files.readAllBytes(one.resolve(f));
            assertArrayEquals(a, Files.readAllBytes(three.resolve(f)), "differs with 3 threads: " + f);
            if (Files.exists(other.resolve(f)) && !Arrays.equals(a, Files.readAllBytes(other.resolve(f)))) differing++;
        }
        assertTrue(differing > files.size() / 2, "another seed should give other images, " + differing + " of " + files.size() + " differ");
    }

    @Test
    void maskMarksExactlyWhereTheGeometryChanges() {
        int withForeground = 0, variants = 0;
        for (long seed = 1; seed <= 6; seed++) {
            SceneGenerator.Rendered r = SceneGenerator.render(new Rng(seed), 3, 40, 1);
            float[] bgDepth = r.bg().depth();
            for (Scene.Render f : r.fgBg()) {
                variants++;
                int maskPixels = 0;
                for (int i = 0; i < bgDepth.length; i++) {
                    assertTrue(bgDepth[i] > 0 && Float.isFinite(bgDepth[i]), "bg depth must be a finite positive z");
                    if (f.foreground()[i]) {
                        maskPixels++;
                        // strictly nearer: the foreground changed the geometry here (so the mask is not too large)
                        assertTrue(f.depth()[i] < bgDepth[i], "foreground pixel " + i + " is not in front of the background");
                    } else {
                        assertEquals(bgDepth[i], f.depth()[i], 0f, "background pixel " + i + " changed depth");
                    }
                }
                if (maskPixels >= SceneGenerator.MIN_FOREGROUND * 40 * 40) withForeground++;
            }
            assertFalse(Arrays.equals(r.bg().rgb(), r.fgBg().get(0).rgb()), "fg_bg must differ from bg");
        }
        // a foreground hidden six times in a row is possible but must be rare
        assertTrue(withForeground >= variants - 1, withForeground + " of " + variants + " variants show their foreground");
    }

    @Test
    void depthNormalisationIsLinearWithOneNear() {
        assertEquals(1f, SceneGenerator.normaliseDepth(1f), 1e-6f);
        assertEquals(0f, SceneGenerator.normaliseDepth(10f), 1e-6f);
        assertEquals(0.5f, SceneGenerator.normaliseDepth(5.5f), 1e-6f);
        assertEquals(1f, SceneGenerator.normaliseDepth(0.2f), 0f); // clamped
        assertEquals(0f, SceneGenerator.normaliseDepth(12f), 0f);
    }

    @Test
    void writtenMaskAndDepthMatchTheRender() throws IOException {
        TestData.generate(tmp, Layout.B, 3, 3, 32, 11, 2);
        Rng root = new Rng(11);
        SceneGenerator.Rendered r = SceneGenerator.render(root.fork(), 3, 32, 1);
        for (int k = 0; k < 3; k++) {
            String id = String.format("000_%03d", k);
            ImageFiles.Image mask = ImageFiles.readGray(tmp.resolve("fg_bg_mask/bg_000/fg_bg_mask_" + id + ".jpg"));
            ImageFiles.Image depth = ImageFiles.readGray(tmp.resolve("depth_fg_bg/bg_000/depth_fg_bg_" + id + ".png"));
            Scene.Render f = r.fgBg().get(k);
            int agree = 0;
            for (int i = 0; i < 32 * 32; i++) {
                if ((mask.data()[i] >= 150) == f.foreground()[i]) agree++;
                // PNG is lossless: the stored byte is round(255 * normalised depth)
                assertEquals(Math.round(255 * SceneGenerator.normaliseDepth(f.depth()[i])), depth.data()[i], 0f);
            }
            assertTrue(agree >= 0.98 * 32 * 32, "JPEG mask agrees with the render on " + agree + " of 1024 pixels");
        }
    }

    @Test
    void badOptionsAreRejectedWithTheirNames() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> new SceneGenerator.Options(tmp, Layout.A, 0, 32, 1, 4, 1, 1, 0.9f));
        assertTrue(e.getMessage().contains("count"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Layout.parse("c"));
        assertTrue(e.getMessage().contains("'c'"), e.getMessage());
    }
}
