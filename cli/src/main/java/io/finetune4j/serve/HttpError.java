package io.finetune4j.serve;

/** An error answer: HTTP status and the one-line message sent as {@code {"error": "..."}}. */
final class HttpError extends RuntimeException {
    final int status;

    HttpError(int status, String message) {
        super(message, null, false, false);
        this.status = status;
    }
}
