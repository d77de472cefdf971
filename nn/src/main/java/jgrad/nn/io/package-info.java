/**
 * Checkpoint input and output without dependencies: {@link jgrad.nn.io.SafeTensors} (the
 * safetensors format) and {@link jgrad.nn.io.Json} (a minimal JSON reader and writer); files are
 * written all-or-nothing through {@link jgrad.core.io.AtomicFile}.
 */
package jgrad.nn.io;
