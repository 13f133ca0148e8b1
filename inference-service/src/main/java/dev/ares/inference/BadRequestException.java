package dev.ares.inference;

/**
 * A request the API refuses, with the OpenAI error fields: the HTTP status (400 unless said), the offending
 * {@code param} (a body field such as {@code top_p} or {@code messages}) and an optional {@code code}.
 */
public final class BadRequestException extends IllegalArgumentException {
    private final String param;
    private final String code;
    private final int status;

    /** A 400 naming {@code param}. */
    public BadRequestException(String param, String message) {
        this(400, param, null, message);
    }

    public BadRequestException(int status, String param, String code, String message) {
        super(message);
        this.status = status;
        this.param = param;
        this.code = code;
    }

    public String param() {
        return param;
    }

    public String code() {
        return code;
    }

    public int status() {
        return status;
    }
}
