package org.fibers.io;

import java.util.ArrayList;
import java.util.List;

/** The command line of a child JVM like this test JVM: same {@code java}, flags Fibers needs, same class path. */
final class ChildJava {
    private ChildJava() {
    }

    /** {@code java --add-opens... --enable-native-access... [jvmFlags] -cp <ours> mainClass}. */
    static List<String> command(Class<?> mainClass, String... jvmFlags) {
        List<String> cmd = new ArrayList<>();
        cmd.add(ProcessHandle.current().info().command().orElse("java"));
        cmd.add("--add-opens=java.base/java.lang=ALL-UNNAMED");
        cmd.add("--enable-native-access=ALL-UNNAMED");
        cmd.addAll(List.of(jvmFlags));
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(mainClass.getName());
        return cmd;
    }
}
