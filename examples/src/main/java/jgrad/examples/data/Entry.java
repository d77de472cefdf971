package jgrad.examples.data;

import java.nio.file.Path;

/** One sample's four files: background, background with foreground, foreground mask, depth map. */
public record Entry(Path bg, Path fgBg, Path mask, Path depth) {}
