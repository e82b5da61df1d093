package org.fibers.io.blocking;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.util.List;
import org.fibers.operations.Operation;

/**
 * File reads and writes that never stall a carrier: each call runs on
 * {@link BlockingPool#files()} while the calling fiber is suspended. (Linux reports regular
 * files as always ready, so epoll cannot help; the manual suggests a thread pool.) The methods
 * mirror {@link Files}; on a plain thread they simply call it.
 */
public final class FiberFiles {
    private FiberFiles() {
    }

    /**
     * Any blocking file work: {@code run(() -> Files.size(p))}.
     * It runs on {@link BlockingPool#files()}, suspending the calling fiber (a plain thread runs it
     * inline).
     *
     * @param <T> the type of the work's result
     * @param work the blocking file work
     * @return the work's result
     * @throws IOException what the work threw
     */
    public static <T> T run(BlockingPool.BlockingCall<T, IOException> work) throws IOException {
        return BlockingPool.files().call(work);
    }

    /**
     * File work as an operation (composes with choice); failures as {@link
     * java.io.UncheckedIOException}.
     *
     * @param <T> the type of the work's result
     * @param work the blocking file work, run anew at each perform
     * @return the operation
     */
    public static <T> Operation<T> operation(BlockingPool.BlockingCall<T, IOException> work) {
        return BlockingPool.files().operation(work::call);
    }

    /**
     * {@return the file's bytes} {@link Files#readAllBytes}, on the file pool.
     *
     * @param path the file
     * @throws IOException if it cannot be read
     */
    public static byte[] readAllBytes(Path path) throws IOException {
        return run(() -> Files.readAllBytes(path));
    }

    /**
     * Reads the file as UTF-8.
     *
     * @param path the file
     * @return the file's text
     * @throws java.nio.charset.MalformedInputException if it is not valid UTF-8
     * @throws IOException if it cannot be read
     */
    public static String readString(Path path) throws IOException {
        return run(() -> Files.readString(path, StandardCharsets.UTF_8));
    }

    /**
     * Reads the file's lines as UTF-8.
     *
     * @param path the file
     * @return the lines, without their terminators
     * @throws IOException if it cannot be read or is not valid UTF-8
     */
    public static List<String> readAllLines(Path path) throws IOException {
        return run(() -> Files.readAllLines(path, StandardCharsets.UTF_8));
    }

    /**
     * Writes {@code bytes} to the file: {@link Files#write(Path, byte[], OpenOption...)}, on the
     * file pool.
     *
     * @param path the file
     * @param bytes what to write
     * @param options how to open it; none: create, truncate, write
     * @return {@code path}
     * @throws IOException if it cannot be written
     */
    public static Path write(Path path, byte[] bytes, OpenOption... options) throws IOException {
        return run(() -> Files.write(path, bytes, options));
    }

    /**
     * Writes {@code text} as UTF-8.
     * As {@link Files#writeString(Path, CharSequence, java.nio.charset.Charset, OpenOption...)}, on
     * the file pool.
     *
     * @param path the file
     * @param text what to write
     * @param options how to open it; none: create, truncate, write
     * @return {@code path}
     * @throws IOException if it cannot be written
     */
    public static Path writeString(Path path, CharSequence text, OpenOption... options) throws IOException {
        return run(() -> Files.writeString(path, text, StandardCharsets.UTF_8, options));
    }

    /**
     * {@return the file's size in bytes} {@link Files#size}, on the file pool.
     *
     * @param path the file
     * @throws IOException if it cannot be read
     */
    public static long size(Path path) throws IOException {
        return run(() -> Files.size(path));
    }

    /**
     * Deletes the file: {@link Files#delete}, on the file pool.
     *
     * @param path the file
     * @throws java.nio.file.NoSuchFileException if there is no such file
     * @throws IOException if it cannot be deleted
     */
    public static void delete(Path path) throws IOException {
        run(() -> {
            Files.delete(path);
            return null;
        });
    }
}
