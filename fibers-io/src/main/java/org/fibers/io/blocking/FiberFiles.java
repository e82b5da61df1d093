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

    /** Any blocking file work: {@code run(() -> Files.size(p))}. */
    public static <T> T run(BlockingPool.BlockingCall<T, IOException> work) throws IOException {
        return BlockingPool.files().call(work);
    }

    /** File work as an operation (composes with choice); failures as {@link java.io.UncheckedIOException}. */
    public static <T> Operation<T> operation(BlockingPool.BlockingCall<T, IOException> work) {
        return BlockingPool.files().operation(work::call);
    }

    public static byte[] readAllBytes(Path path) throws IOException {
        return run(() -> Files.readAllBytes(path));
    }

    /** Reads the file as UTF-8. */
    public static String readString(Path path) throws IOException {
        return run(() -> Files.readString(path, StandardCharsets.UTF_8));
    }

    /** Reads the file's lines as UTF-8. */
    public static List<String> readAllLines(Path path) throws IOException {
        return run(() -> Files.readAllLines(path, StandardCharsets.UTF_8));
    }

    public static Path write(Path path, byte[] bytes, OpenOption... options) throws IOException {
        return run(() -> Files.write(path, bytes, options));
    }

    /** Writes {@code text} as UTF-8. */
    public static Path writeString(Path path, CharSequence text, OpenOption... options) throws IOException {
        return run(() -> Files.writeString(path, text, StandardCharsets.UTF_8, options));
    }

    public static long size(Path path) throws IOException {
        return run(() -> Files.size(path));
    }

    public static void delete(Path path) throws IOException {
        run(() -> {
            Files.delete(path);
            return null;
        });
    }
}
