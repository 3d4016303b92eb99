package io.gatehouse.routing.keys;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Locale;

/**
 * The reference gateway is JavaScript: these helpers give config values (plain Java values from the
 * JSON5 parser) the coercions its routing code applies, so ids, trimming and truthiness behave the same.
 */
public final class Js {
    private Js() {
    }

    /** {@code String.prototype.trim}: strips JS white space and line terminators (a superset of {@link String#strip()}'s). */
    public static String trim(String s) {
        int start = 0;
        int end = s.length();
        while (start < end && isJsSpace(s.charAt(start))) {
            start++;
        }
        while (end > start && isJsSpace(s.charAt(end - 1))) {
            end--;
        }
        return start == 0 && end == s.length() ? s : s.substring(start, end);
    }

    private static boolean isJsSpace(char c) {
        if (c <= ' ') {
            return c == ' ' || c == '\t' || c == '\n' || c == '\u000B' || c == '\f' || c == '\r';
        }
        return c == '\u00A0' || c == '\u1680' || (c >= '\u2000' && c <= '\u200A') || c == '\u2028' || c == '\u2029'
                || c == '\u202F' || c == '\u205F' || c == '\u3000' || c == '\uFEFF';
    }

    /** {@code (value ?? "").trim().toLowerCase()} for strings; anything else is {@code ""}. */
    public static String token(Object value) {
        return value instanceof String s ? lower(trim(s)) : "";
    }

    /** Lower case as JavaScript does it (locale independent). */
    public static String lower(String s) {
        return s.toLowerCase(Locale.ROOT);
    }

    /** The reference's route id coercion: strings trimmed, numbers in their JS decimal form, anything else {@code ""}. */
    public static String id(Object value) {
        if (value instanceof String s) {
            return trim(s);
        }
        if (value instanceof Number n) {
            return trim(number(n));
        }
        return "";
    }

    /** {@code String(value)} for strings, numbers and booleans; null stays null; other values are not text ({@code null}). */
    public static String text(Object value) {
        if (value instanceof String s) {
            return s;
        }
        if (value instanceof Number n) {
            return number(n);
        }
        if (value instanceof Boolean b) {
            return b.toString();
        }
        return null;
    }

    /** {@code String(n)}: integral values without a fraction ({@code 1.0} is {@code "1"}). */
    public static String number(Number n) {
        if (n instanceof Integer || n instanceof Long || n instanceof Short || n instanceof Byte || n instanceof BigInteger) {
            return n.toString();
        }
        if (n instanceof BigDecimal d) {
            BigDecimal stripped = d.stripTrailingZeros();
            return stripped.scale() <= 0 ? stripped.toBigInteger().toString() : stripped.toPlainString();
        }
        double d = n.doubleValue();
        if (Double.isNaN(d)) {
            return "NaN";
        }
        if (Double.isInfinite(d)) {
            return d > 0 ? "Infinity" : "-Infinity";
        }
        if (d == Math.rint(d) && Math.abs(d) < 1e21) {
            return new BigDecimal(d).toBigInteger().toString();
        }
        return Double.toString(d);
    }

    /** JavaScript truthiness of a config value. */
    public static boolean truthy(Object value) {
        if (value == null) {
            return false;
        }
        if (value instanceof Boolean b) {
            return b;
        }
        if (value instanceof String s) {
            return !s.isEmpty();
        }
        if (value instanceof Number n) {
            double d = n.doubleValue();
            return d != 0 && !Double.isNaN(d);
        }
        return true;
    }
}
