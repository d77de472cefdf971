package jgrad.examples.data;

/** A data problem (missing, unreadable, unpaired or mismatched file); the message names the file. */
public class DataException extends RuntimeException {
    public DataException(String message) {
        super(message);
    }

    public DataException(String message, Throwable cause) {
        super(message, cause);
    }
}
