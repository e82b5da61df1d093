package org.fibers.introspect;

/** The few JSON pieces the dumps need; no library, so that fibers-core gains no dependency. */
final class Json {
    private Json() {
    }

    /** Appends {@code s} as a JSON string, quotes included. */
    static StringBuilder string(StringBuilder b, String s) {
        b.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c < 0x20 || Character.isSurrogate(c) && !validSurrogate(s, i)) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.append('"');
    }

    /** Whether the surrogate at {@code i} is half of a well-formed pair. */
    private static boolean validSurrogate(String s, int i) {
        char c = s.charAt(i);
        if (Character.isHighSurrogate(c)) {
            return i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1));
        }
        return i > 0 && Character.isHighSurrogate(s.charAt(i - 1));
    }

    /** Appends {@code "key":} with a leading comma unless {@code first}. */
    static StringBuilder key(StringBuilder b, String key, boolean first) {
        if (!first) {
            b.append(',');
        }
        return string(b, key).append(':');
    }
}
