package org.fibers.console;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import jdk.jshell.execution.LoaderDelegate;
import jdk.jshell.spi.ExecutionControl.ClassBytecodes;
import jdk.jshell.spi.ExecutionControl.ClassInstallException;

/**
 * Defines JShell's snippet classes in this JVM, in a class loader whose parent is the
 * application's: what the JDK's own local execution does, except that the parent is the loader
 * that loaded the application (the JDK's uses the system class loader, which under a launcher
 * or a container may not see the application). Adding to the class path is a no-op: the
 * entries the console adds are already visible through the parent.
 */
final class SnippetLoaderDelegate implements LoaderDelegate {
    private final SnippetClassLoader loader;

    SnippetLoaderDelegate(ClassLoader parent) {
        this.loader = new SnippetClassLoader(parent);
    }

    @Override
    public void load(ClassBytecodes[] cbcs) throws ClassInstallException {
        boolean[] installed = new boolean[cbcs.length];
        for (ClassBytecodes c : cbcs) {
            loader.declare(c.name(), c.bytecodes());
        }
        for (int i = 0; i < cbcs.length; i++) {
            try {
                loader.loadClass(cbcs[i].name());
                installed[i] = true;
            } catch (ClassNotFoundException | LinkageError e) {
                throw new ClassInstallException("cannot define " + cbcs[i].name() + ": " + e, installed);
            }
        }
    }

    @Override
    public void classesRedefined(ClassBytecodes[] cbcs) {
        for (ClassBytecodes c : cbcs) {
            loader.declare(c.name(), c.bytecodes());
        }
    }

    @Override
    public void addToClasspath(String path) {
        // Already visible through the parent loader (see the class comment).
    }

    @Override
    public Class<?> findClass(String name) throws ClassNotFoundException {
        return loader.loadClass(name);
    }

    /** Snippet classes by name, defined on first load. */
    private static final class SnippetClassLoader extends ClassLoader {
        private final Map<String, byte[]> declared = new ConcurrentHashMap<>();

        SnippetClassLoader(ClassLoader parent) {
            super("fibers-console-snippets", parent);
        }

        void declare(String name, byte[] bytes) {
            declared.put(name, bytes);
        }

        @Override
        protected Class<?> findClass(String name) throws ClassNotFoundException {
            byte[] b = declared.get(name);
            if (b == null) {
                throw new ClassNotFoundException(name);
            }
            return defineClass(name, b, 0, b.length);
        }
    }
}
