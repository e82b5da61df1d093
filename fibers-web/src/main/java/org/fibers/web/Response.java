package org.fibers.web;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * A handler's answer: a status, headers, and a body given as bytes, a string (UTF-8), or a
 * {@link BodyWriter} streamed chunked. Built fluently:
 * {@code Response.ok("Hello, World!")}, {@code Response.status(404).body("no such page")},
 * {@code Response.status(200).header("Content-Type", "text/csv").body(out -> ...)}.
 * Content-Length, Date, Server and Connection are added by the server.
 */
public final class Response {
    private static final byte[] EMPTY = new byte[0];

    private final int status;
    private final Headers headers = new Headers();
    private byte[] bytes = EMPTY;
    private BodyWriter writer;

    private Response(int status) {
        if (status < 200 || status > 599) {
            throw new IllegalArgumentException("status out of range 200-599: " + status);
        }
        this.status = status;
    }

    /**
     * A response with {@code status} and an empty body.
     *
     * @param status the status code, 200 to 599
     * @return a new response, to complete fluently
     * @throws IllegalArgumentException if {@code status} is out of range
     */
    public static Response status(int status) {
        return new Response(status);
    }

    /**
     * 200 with {@code text} as {@code text/plain; charset=utf-8}.
     *
     * @param text the body
     * @return a new response
     */
    public static Response ok(String text) {
        return new Response(200).header("Content-Type", "text/plain; charset=utf-8").body(text);
    }

    /**
     * {@code status} with {@code body} of {@code contentType}; the array is sent as is (not
     * copied).
     *
     * @param status the status code, 200 to 599
     * @param contentType the {@code Content-Type} header's value
     * @param body the body
     * @return a new response
     * @throws IllegalArgumentException if {@code status} is out of range
     */
    public static Response of(int status, String contentType, byte[] body) {
        return new Response(status).header("Content-Type", contentType).body(body);
    }

    /**
     * Adds a header field.
     * Content-Length, Date, Server and Connection are the server's to set.
     *
     * @param name the field name, an HTTP token
     * @param value the field value, without control characters
     * @return this response
     * @throws IllegalArgumentException if the name is not a token or the value holds a control
     *        character
     */
    public Response header(String name, String value) {
        headers.add(name, value);
        return this;
    }

    /**
     * The body as bytes (not copied).
     *
     * @param body the bytes to send; replaces any body set before
     * @return this response
     */
    public Response body(byte[] body) {
        this.bytes = Objects.requireNonNull(body, "body");
        this.writer = null;
        return this;
    }

    /**
     * The body as UTF-8 text.
     *
     * @param text the text to send; replaces any body set before
     * @return this response
     */
    public Response body(String text) {
        return body(text.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * A streaming body, sent chunked (close-delimited to HTTP/1.0 clients).
     *
     * @param writer called once, in the connection's fiber, to write the body; replaces any body
     *        set before
     * @return this response
     */
    public Response body(BodyWriter writer) {
        this.writer = Objects.requireNonNull(writer, "writer");
        this.bytes = EMPTY;
        return this;
    }

    /** {@return the status code} */
    public int status() {
        return status;
    }

    /** {@return the header fields} */
    public Headers headers() {
        return headers;
    }

    /** {@return the body bytes (empty for a streaming body)} */
    public byte[] bytes() {
        return bytes;
    }

    /** {@return the streaming body's writer, or null} */
    public BodyWriter writer() {
        return writer;
    }
}
