package io.finetune4j;

/**
 * A problem with what the user gave us (a path, a flag, a config value, a data row): the CLI turns
 * it into one line on stderr and exit code 2. The message must name the bad value and say what to do.
 */
public class BadInputException extends RuntimeException {
    public BadInputException(String message) {
        super(message);
    }

    public BadInputException(String message, Throwable cause) {
        super(message, cause);
    }
}
