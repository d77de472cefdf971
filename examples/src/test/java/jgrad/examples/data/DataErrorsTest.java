package jgrad.examples.data;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Missing, unpaired, corrupt and mismatched files give errors naming the file, or are skipped and counted. */
class DataErrorsTest {
    @TempDir
    Path tmp;

    @Test
    void layoutAMissingFileNamedInFileMap() throws Exception {
        TestData.generate(tmp, Layout.A, 6, 3, 16, 1, 1);
        Files.delete(tmp.resolve("bg_fg_mask/bg_fg_mask_001_002.jpg"));
        var e = assertThrows(DataException.class, () -> DatasetIndex.scan(tmp, OnError.FAIL));
        assertTrue(e.getMessage().contains("bg_fg_mask_001_002"), e.getMessage());
        assertTrue(e.getMessage().contains("line 6"), e.getMessage());
        DatasetIndex idx = DatasetIndex.scan(tmp, OnError.SKIP);
        assertEquals(5, idx.size());
        assertEquals(1, idx.skipped().size());
        assertTrue(idx.skipped().get(0).contains("bg_fg_mask_001_002"));
    }

    @Test
    void layoutAMissingFileNamedWithItsExtensionIsNamedAsGiven() throws Exception {
        TestData.generate(tmp, Layout.A, 3, 3, 16, 1, 1);
        Path map = tmp.resolve("file_map.txt");
        Files.writeString(map, Files.readString(map).replace("bg_fg_mask_000_001", "bg_fg_mask_000_001.png"));
        var e = assertThrows(DataException.class, () -> DatasetIndex.scan(tmp, OnError.FAIL));
        assertTrue(e.getMessage().contains("missing file: " + tmp.resolve("bg_fg_mask/bg_fg_mask_000_001.png") + " (named in"), e.getMessage());
    }

    /** A file_map.txt saved by a Windows editor: UTF-8 with a byte-order mark and CRLF line ends. */
    @Test
    void layoutAFileMapWithByteOrderMarkAndCrlf() throws Exception {
        TestData.generate(tmp, Layout.A, 3, 3, 16, 1, 1);
        Path map = tmp.resolve("file_map.txt");
        String text = Files.readString(map).replace("\n", "\r\n");
        Files.write(map, ("\uFEFF" + text).getBytes(java.nio.charset.StandardCharsets.UTF_8));
        DatasetIndex idx = DatasetIndex.scan(tmp, OnError.FAIL);
        assertEquals(3, idx.size());
        assertEquals(tmp.resolve("bg/bg_000.jpg"), idx.entries().get(0).bg());
    }

    @Test
    void layoutAMalformedLine() throws Exception {
        TestData.generate(tmp, Layout.A, 3, 3, 16, 1, 1);
        Files.writeString(tmp.resolve("file_map.txt"), "bg_000\tbg_fg_000_000\n", java.nio.file.StandardOpenOption.APPEND);
        var e = assertThrows(DataException.class, () -> DatasetIndex.scan(tmp, OnError.FAIL));
        assertTrue(e.getMessage().contains("file_map.txt line 4") && e.getMessage().contains("got 2"), e.getMessage());
    }

    @Test
    void layoutBUnpairedAndMissingFiles() throws Exception {
        TestData.generate(tmp, Layout.B, 6, 3, 16, 2, 1);
        Path extra = tmp.resolve("fg_bg/bg_000/fg_bg_000_007.jpg");
        Files.copy(tmp.resolve("fg_bg/bg_000/fg_bg_000_000.jpg"), extra);
        var e = assertThrows(DataException.class, () -> DatasetIndex.scan(tmp, OnError.FAIL));
        assertTrue(e.getMessage().contains("unpaired") && e.getMessage().contains("fg_bg_000_007.jpg"), e.getMessage());
        DatasetIndex idx = DatasetIndex.scan(tmp, OnError.SKIP);
        assertEquals(6, idx.size());
        assertEquals(1, idx.skipped().size());

        Files.delete(extra);
        Files.delete(tmp.resolve("depth_fg_bg/bg_001/depth_fg_bg_001_001.png"));
        e = assertThrows(DataException.class, () -> DatasetIndex.scan(tmp, OnError.FAIL));
        assertTrue(e.getMessage().contains("fg_bg_001_001.jpg") && e.getMessage().contains("no depth map"), e.getMessage());

        Files.copy(tmp.resolve("depth_fg_bg/bg_001/depth_fg_bg_001_000.png"), tmp.resolve("depth_fg_bg/bg_001/depth_fg_bg_001_001.png"));
        Files.delete(tmp.resolve("bg/bg_001.jpg"));
        e = assertThrows(DataException.class, () -> DatasetIndex.scan(tmp, OnError.FAIL));
        assertTrue(e.getMessage().contains("bg_001.jpg"), e.getMessage());
        assertEquals(3, DatasetIndex.scan(tmp, OnError.SKIP).size());
    }

    @Test
    void layoutBPairsBySortedOrderWhenNamesCarryNoNumbers() throws Exception {
        TestData.generate(tmp, Layout.B, 2, 2, 16, 2, 1);
        String[] dirs = {"fg_bg", "fg_bg_mask", "depth_fg_bg"};
        String[] ext = {".jpg", ".jpg", ".png"};
        for (int d = 0; d < 3; d++) {
            Path dir = tmp.resolve(dirs[d]).resolve("bg_000");
            try (var s = Files.list(dir)) {
                var files = s.sorted().toList();
                Files.move(files.get(0), dir.resolve("first" + ext[d]));
                Files.move(files.get(1), dir.resolve("second" + ext[d]));
            }
        }
        DatasetIndex idx = DatasetIndex.scan(tmp, OnError.FAIL);
        assertEquals("first.jpg", idx.entries().get(0).fgBg().getFileName().toString());
        assertEquals("first.png", idx.entries().get(0).depth().getFileName().toString());
        Files.delete(tmp.resolve("fg_bg_mask/bg_000/second.jpg"));
        var e = assertThrows(DataException.class, () -> DatasetIndex.scan(tmp, OnError.FAIL));
        assertTrue(e.getMessage().contains("second.jpg") && e.getMessage().contains("sorted order"), e.getMessage());
    }

    @Test
    void layoutBKeysIgnoreZeroPaddingAndOrphanFoldersAreNamed() throws Exception {
        TestData.generate(tmp, Layout.B, 2, 2, 16, 2, 1);
        Path d = tmp.resolve("fg_bg_mask/bg_000");
        Files.move(d.resolve("fg_bg_mask_000_001.jpg"), d.resolve("mask_0_1.jpg"));
        DatasetIndex idx = DatasetIndex.scan(tmp, OnError.FAIL);
        assertEquals("mask_0_1.jpg", idx.entries().get(1).mask().getFileName().toString());
        assertEquals("fg_bg_000_001.jpg", idx.entries().get(1).fgBg().getFileName().toString());
        Files.createDirectories(tmp.resolve("depth_fg_bg/bg_009"));
        var e = assertThrows(DataException.class, () -> DatasetIndex.scan(tmp, OnError.FAIL));
        assertTrue(e.getMessage().contains("unpaired folder") && e.getMessage().contains("bg_009"), e.getMessage());
    }

    @Test
    void corruptFileFailsAtLoadNamingIt() throws Exception {
        TestData.generate(tmp, Layout.B, 4, 4, 16, 3, 1);
        Path bad = tmp.resolve("fg_bg_mask/bg_000/fg_bg_mask_000_002.jpg");
        Files.write(bad, new byte[]{1, 2, 3, 4, 5});
        DepthMaskDataset ds = DepthMaskDataset.open(tmp, OnError.FAIL, 16);
        var e = assertThrows(DataException.class, () -> ds.load(2, null));
        assertTrue(e.getMessage().contains("fg_bg_mask_000_002.jpg"), e.getMessage());
    }

    @Test
    void mismatchedSizeFailsNamingTheFile() throws Exception {
        TestData.generate(tmp, Layout.B, 2, 2, 16, 4, 1);
        Path small = tmp.resolve("small");
        TestData.generate(small, Layout.B, 1, 1, 12, 4, 1);
        Path target = tmp.resolve("depth_fg_bg/bg_000/depth_fg_bg_000_001.png");
        Files.copy(small.resolve("depth_fg_bg/bg_000/depth_fg_bg_000_000.png"), target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        DepthMaskDataset ds = DepthMaskDataset.open(tmp, OnError.FAIL, 16);
        ds.load(0, null);
        var e = assertThrows(DataException.class, () -> ds.load(1, null));
        assertTrue(e.getMessage().contains("size mismatch") && e.getMessage().contains("depth_fg_bg_000_001.png")
                && e.getMessage().contains("12x12"), e.getMessage());
    }

    @Test
    void missingFolderAndUnknownLayout() throws Exception {
        var e = assertThrows(DataException.class, () -> DatasetIndex.scan(tmp.resolve("nope"), OnError.FAIL));
        assertTrue(e.getMessage().contains("nope"), e.getMessage());
        e = assertThrows(DataException.class, () -> DatasetIndex.detect(tmp));
        assertTrue(e.getMessage().contains("file_map.txt"), e.getMessage());
    }
}
