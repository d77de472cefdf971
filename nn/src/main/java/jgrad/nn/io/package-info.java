/**
 * Checkpoint input and output without dependencies: {@link jgrad.nn.io.SafeTensors} (the
 * safetensors format), {@link jgrad.nn.io.Json} (a minimal JSON reader and writer) and
 * {@link jgrad.nn.io.AtomicFile} (all-or-nothing file writes).
 */
package jgrad.nn.io;
