package dev.netdsl.internal;

import dev.netdsl.layers.Settings;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Type name to factory, for rebuilding layers, losses and optimizers from files. A type registered by
 * the user wins; a built-in type {@code T} of kind {@code kind} is the class {@code <builtIns>.T} (in
 * NetDSL's own package, never a class a file names) with a public static {@code fromSettings(Settings)}
 * returning a {@code kind}, so adding a built-in type is adding its class.
 */
public final class TypeRegistry<T> {
    private final Class<T> kind;
    private final String builtIns;
    private final String registerCall;
    private final Map<String, Function<Settings, ? extends T>> registered = new ConcurrentHashMap<>();

    /**
     * @param registerCall how a user registers a type, for messages, e.g. {@code Layers.register}
     */
    public TypeRegistry(Class<T> kind, String builtIns, String registerCall) {
        this.kind = kind;
        this.builtIns = builtIns;
        this.registerCall = registerCall;
    }

    /** Makes {@code typeName} readable from files with {@code factory}; replaces an earlier registration. */
    public void register(String typeName, Function<Settings, ? extends T> factory) {
        Objects.requireNonNull(typeName, "typeName");
        Objects.requireNonNull(factory, "factory");
        if (!typeName.matches("[A-Za-z_][A-Za-z0-9_]*")) {
            throw new IllegalArgumentException(registerCall + "(\"" + typeName + "\", ...): a type name is letters, digits and '_'");
        }
        registered.put(typeName, factory);
    }

    /**
     * The {@code kind} of type {@code typeName} built from {@code settings}.
     *
     * @throws IllegalArgumentException naming the type and how to register it if it is unknown, or if
     *     its factory rejects the settings
     */
    public T create(String typeName, Settings settings) {
        Function<Settings, ? extends T> factory = registered.get(typeName);
        if (factory != null) {
            return factory.apply(settings);
        }
        Method m = builtIn(typeName);
        if (m == null) {
            throw new IllegalArgumentException("unknown " + kind.getSimpleName().toLowerCase() + " type '" + typeName + "'; if it"
                    + " is your own, register it before opening the file: " + registerCall + "(\"" + typeName + "\", "
                    + typeName + "::fromSettings)");
        }
        try {
            return kind.cast(m.invoke(null, settings));
        } catch (ReflectiveOperationException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            if (cause instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalArgumentException("can't rebuild " + typeName + "(" + settings + "): " + cause, cause);
        }
    }

    private Method builtIn(String typeName) {
        if (!typeName.matches("[A-Za-z_][A-Za-z0-9_]*")) {
            return null;
        }
        try {
            Class<?> c = Class.forName(builtIns + "." + typeName, true, kind.getClassLoader());
            if (!kind.isAssignableFrom(c)) {
                return null;
            }
            Method m = c.getMethod("fromSettings", Settings.class);
            return Modifier.isStatic(m.getModifiers()) && kind.isAssignableFrom(m.getReturnType()) ? m : null;
        } catch (ClassNotFoundException | NoSuchMethodException e) {
            return null;
        }
    }
}
