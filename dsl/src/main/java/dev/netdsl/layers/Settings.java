package dev.netdsl.layers;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The settings of a layer, loss or optimizer, by name (PyTorch's argument names: {@code in_features},
 * {@code negative_slope}, {@code betas}): what a model file stores to rebuild it. Values are numbers,
 * booleans, strings, {@code int[]} or {@code double[]}. Immutable; {@link #with} returns a copy.
 */
public final class Settings {
    private static final Settings EMPTY = new Settings(Map.of());
    private final Map<String, Object> values;

    private Settings(Map<String, Object> values) {
        this.values = values;
    }

    /** No settings. */
    public static Settings empty() {
        return EMPTY;
    }

    /**
     * Settings from alternating names and values: {@code Settings.of("in_features", 2, "out_features", 4)}.
     *
     * @throws IllegalArgumentException for an odd count, a non-string name or an unsupported value
     */
    public static Settings of(Object... namesAndValues) {
        if (namesAndValues.length % 2 != 0) {
            throw new IllegalArgumentException("Settings.of: names and values must alternate; got " + namesAndValues.length
                    + " arguments");
        }
        Settings s = EMPTY;
        for (int i = 0; i < namesAndValues.length; i += 2) {
            if (!(namesAndValues[i] instanceof String name)) {
                throw new IllegalArgumentException("Settings.of: argument " + i + " must be a name, not " + namesAndValues[i]);
            }
            s = s.with(name, namesAndValues[i + 1]);
        }
        return s;
    }

    /**
     * A copy with {@code name} set to {@code value} (a number, boolean, string, {@code int[]} or
     * {@code double[]}).
     */
    public Settings with(String name, Object value) {
        Objects.requireNonNull(name, "name");
        Object v = value instanceof int[] a ? a.clone() : value instanceof double[] d ? d.clone() : value;
        if (!(v instanceof Number || v instanceof Boolean || v instanceof String || v instanceof int[] || v instanceof double[])) {
            throw new IllegalArgumentException("setting " + name + ": " + value + " is not a number, boolean, string, int[] or"
                    + " double[]");
        }
        Map<String, Object> copy = new LinkedHashMap<>(values);
        copy.put(name, v);
        return new Settings(Collections.unmodifiableMap(copy));
    }

    /** The names, in the order they were set. */
    public Set<String> names() {
        return values.keySet();
    }

    /** True if {@code name} is set. */
    public boolean has(String name) {
        return values.containsKey(name);
    }

    /** The raw value ({@code int[]}/{@code double[]} copied), or null. */
    public Object get(String name) {
        Object v = values.get(name);
        return v instanceof int[] a ? a.clone() : v instanceof double[] d ? d.clone() : v;
    }

    /** A whole number. @throws IllegalArgumentException if missing or not a whole number */
    public int getInt(String name) {
        Number n = number(name);
        if (n.doubleValue() != Math.rint(n.doubleValue()) || Math.abs(n.doubleValue()) > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("setting " + name + " = " + n + " is not a whole number");
        }
        return n.intValue();
    }

    /** A number. @throws IllegalArgumentException if missing or not a number */
    public double getDouble(String name) {
        return number(name).doubleValue();
    }

    /** A boolean. @throws IllegalArgumentException if missing or not a boolean */
    public boolean getBoolean(String name) {
        if (!(require(name) instanceof Boolean b)) {
            throw new IllegalArgumentException("setting " + name + " = " + values.get(name) + " is not true or false");
        }
        return b;
    }

    /** A string. @throws IllegalArgumentException if missing or not a string */
    public String getString(String name) {
        if (!(require(name) instanceof String s)) {
            throw new IllegalArgumentException("setting " + name + " = " + values.get(name) + " is not a string");
        }
        return s;
    }

    /** Whole numbers ({@code kernel_size=[3, 3]}). @throws IllegalArgumentException if missing or not whole numbers */
    public int[] getInts(String name) {
        Object v = require(name);
        if (v instanceof int[] a) {
            return a.clone();
        }
        if (v instanceof double[] d) {
            int[] out = new int[d.length];
            for (int i = 0; i < d.length; i++) {
                if (d[i] != Math.rint(d[i]) || Math.abs(d[i]) > Integer.MAX_VALUE) {
                    throw new IllegalArgumentException("setting " + name + " = " + Arrays.toString(d) + " is not whole numbers");
                }
                out[i] = (int) d[i];
            }
            return out;
        }
        throw new IllegalArgumentException("setting " + name + " = " + v + " is not a list of whole numbers");
    }

    /** Exactly {@code count} whole numbers. @throws IllegalArgumentException if missing, not whole numbers or another count */
    public int[] getInts(String name, int count) {
        int[] v = getInts(name);
        if (v.length != count) {
            throw new IllegalArgumentException("setting " + name + " = " + Arrays.toString(v) + " must be " + count + " numbers");
        }
        return v;
    }

    /** Exactly {@code count} numbers. @throws IllegalArgumentException if missing, not numbers or another count */
    public double[] getDoubles(String name, int count) {
        double[] v = getDoubles(name);
        if (v.length != count) {
            throw new IllegalArgumentException("setting " + name + " = " + Arrays.toString(v) + " must be " + count + " numbers");
        }
        return v;
    }

    /** Numbers ({@code betas=[0.9, 0.999]}). @throws IllegalArgumentException if missing or not numbers */
    public double[] getDoubles(String name) {
        Object v = require(name);
        if (v instanceof double[] d) {
            return d.clone();
        }
        if (v instanceof int[] a) {
            return Arrays.stream(a).asDoubleStream().toArray();
        }
        throw new IllegalArgumentException("setting " + name + " = " + v + " is not a list of numbers");
    }

    private Number number(String name) {
        if (!(require(name) instanceof Number n)) {
            throw new IllegalArgumentException("setting " + name + " = " + values.get(name) + " is not a number");
        }
        return n;
    }

    private Object require(String name) {
        Object v = values.get(name);
        if (v == null) {
            throw new IllegalArgumentException("setting " + name + " is missing; the settings are " + this);
        }
        return v;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof Settings s) || !s.values.keySet().equals(values.keySet())) {
            return false;
        }
        for (String k : values.keySet()) {
            if (!Objects.deepEquals(normal(values.get(k)), normal(s.values.get(k)))) {
                return false;
            }
        }
        return true;
    }

    /** Numbers compare by value whatever their boxed type (a file gives back 2 where code set 2.0). */
    private static Object normal(Object v) {
        return v instanceof Number n ? (Object) n.doubleValue() : v;
    }

    @Override
    public int hashCode() {
        int h = 0;
        for (Map.Entry<String, Object> e : values.entrySet()) {
            Object v = normal(e.getValue());
            h += e.getKey().hashCode() ^ (v instanceof int[] a ? Arrays.hashCode(a) : v instanceof double[] d
                    ? Arrays.hashCode(d) : v.hashCode());
        }
        return h;
    }

    /** PyTorch's repr style: {@code in_features=2, out_features=4}. */
    @Override
    public String toString() {
        StringBuilder s = new StringBuilder();
        for (Map.Entry<String, Object> e : values.entrySet()) {
            Object v = e.getValue();
            s.append(s.length() == 0 ? "" : ", ").append(e.getKey()).append('=').append(v instanceof int[] a ? tuple(a)
                    : v instanceof double[] d ? tuple(d) : v instanceof String str ? "'" + str + "'" : v);
        }
        return s.toString();
    }

    private static String tuple(int[] a) {
        return Arrays.toString(a).replace('[', '(').replace(']', ')');
    }

    private static String tuple(double[] a) {
        return Arrays.toString(a).replace('[', '(').replace(']', ')');
    }
}
