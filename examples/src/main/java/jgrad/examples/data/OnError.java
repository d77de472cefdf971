package jgrad.examples.data;

/** What to do with a missing, unpaired, unreadable or mismatched file. */
public enum OnError {
    /** Stop with a {@link DataException} naming the file (the default). */
    FAIL,
    /** Leave the sample out and count it (see {@link DatasetIndex#skipped()} and {@link DataLoader#skipped()}). */
    SKIP
}
