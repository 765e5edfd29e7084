package io.finetune4j.serve;

/**
 * An error answer: HTTP status, the one-line message and TEI's error type, sent as
 * {@code {"error": "...", "error_type": "..."}}.
 */
final class HttpError extends RuntimeException {
    final int status;
    final String type;

    HttpError(int status, String message) {
        this(status, message, typeOf(status));
    }

    HttpError(int status, String message, String type) {
        super(message, null, false, false);
        this.status = status;
        this.type = type;
    }

    /** TEI's error_type names (snake_case) for a status. */
    static String typeOf(int status) {
        return switch (status) {
            case 400 -> "validation";
            case 401 -> "unauthorized";
            case 404 -> "not_found";
            case 405 -> "method_not_allowed";
            case 408, 411, 413, 414, 415, 422, 431 -> "validation";
            case 424 -> "backend";
            case 429 -> "overloaded";
            case 503 -> "unhealthy";
            default -> "backend";
        };
    }
}
