package jgrad.examples.cli;

import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;

/** Adapts picocli's PrintWriter to the OutputStream the trainer's PrintStream needs (UTF-8). */
final class WriterStream extends OutputStream {
    private final PrintWriter w;
    private final java.io.ByteArrayOutputStream buf = new java.io.ByteArrayOutputStream();

    WriterStream(PrintWriter w) {
        this.w = w;
    }

    @Override
    public void write(int b) {
        buf.write(b);
        if (b == '\n' || b == '\r') flush();
    }

    @Override
    public void write(byte[] b, int off, int len) {
        buf.write(b, off, len);
        for (int i = off; i < off + len; i++) {
            if (b[i] == '\n' || b[i] == '\r') {
                flush();
                return;
            }
        }
    }

    @Override
    public void flush() {
        w.print(buf.toString(StandardCharsets.UTF_8));
        buf.reset();
        w.flush();
    }
}
