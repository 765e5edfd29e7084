package io.finetune4j.serve;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * The answers Jetty gives on its own (a request that is not HTTP, a head over {@code max_header_bytes}, a URL
 * too long) in TEI's form, {@code {"error": "...", "error_type": "..."}}, instead of Jetty's HTML page. Client
 * faults are 4xx: an unknown HTTP version is 400, not 505.
 */
final class TeiErrorHandler extends ErrorHandler {
    static final String JSON_TYPE = "application/json; charset=utf-8";
    private static final ObjectMapper JSON = new ObjectMapper();
    private final int maxHeaderBytes;

    TeiErrorHandler(ServeOptions options) {
        this.maxHeaderBytes = options.maxHeaderBytes();
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        int status = request.getAttribute(ERROR_STATUS) instanceof Integer s ? s : response.getStatus();
        String reason = request.getAttribute(ERROR_MESSAGE) instanceof String m ? m : null;
        HttpError error = describe(status, reason);
        byte[] body = body(error);
        response.setStatus(error.status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, JSON_TYPE);
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
        response.write(true, ByteBuffer.wrap(body), callback);
        return true;
    }

    @Override
    public ByteBuffer badMessageError(int status, String reason, HttpFields.Mutable fields) {
        fields.put(HttpHeader.CONTENT_TYPE, JSON_TYPE);
        return ByteBuffer.wrap(body(describe(status, reason)));
    }

    /** What a status Jetty chose means for the client, in one line. */
    HttpError describe(int status, String reason) {
        String detail = reason == null || reason.isBlank() || reason.equals(HttpStatus.getMessage(status)) ? null : reason;
        return switch (status) {
            case 400, 505 -> new HttpError(400, "not a valid HTTP/1.1 request" + (detail == null ? "" : ": " + detail));
            case 408 -> new HttpError(408, "the request did not arrive in time; send it whole without pauses");
            case 413 -> new HttpError(413, "the request body is too large", "validation");
            case 414 -> new HttpError(414, "the request URL is too long: the request line and headers may be at most "
                    + maxHeaderBytes + " bytes (max_header_bytes)");
            case 431 -> new HttpError(431, "the request headers are too large: the request line and headers may be at most "
                    + maxHeaderBytes + " bytes (max_header_bytes)");
            default -> new HttpError(status, status >= 500 ? "internal error" + (detail == null ? "" : ": " + detail)
                    : detail != null ? detail : HttpStatus.getMessage(status));
        };
    }

    static byte[] body(HttpError error) {
        Map<String, Object> body = new LinkedHashMap<>(2);
        body.put("error", error.getMessage());
        body.put("error_type", error.type);
        try {
            return JSON.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            return ("{\"error\": \"internal error\", \"error_type\": \"backend\"}").getBytes(StandardCharsets.UTF_8);
        }
    }
}
