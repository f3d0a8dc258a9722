package dev.netdsl.internal.files;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.razorvine.pickle.IObjectConstructor;
import net.razorvine.pickle.Opcodes;
import net.razorvine.pickle.PickleException;
import net.razorvine.pickle.PickleUtils;
import net.razorvine.pickle.Unpickler;

/**
 * The restricted unpickler of {@link PyTorchFiles}: class references are checked against {@link #ALLOWED} and the
 * storage types, and refused by name before anything is built; dict keys and set items must be hashable. It
 * builds ordered dicts, {@link TensorRef}s and {@link Storage}s, and describes pickled values for messages.
 */
public final class StateDictUnpickler extends Unpickler {
    /** The pickle's class references NetDSL accepts, besides the storage types. */
    private static final List<String> ALLOWED = List.of("collections.OrderedDict", "torch._utils._rebuild_tensor_v2",
            "torch._utils._rebuild_tensor", "torch._utils._rebuild_parameter");

    /** A storage the pickle refers to: its element type, its key in {@code data/}, its element count. */
    record Storage(StoredTensor.Dtype dtype, String key, long numel) {
    }

    /** A tensor the pickle rebuilds, as {@code _rebuild_tensor_v2}'s arguments: checked once its name is known. */
    record TensorRef(Object[] args) {
    }

    /** A refusal from inside the unpickler, already naming the file. */
    static final class Refused extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        Refused(String message) {
            super(message);
        }
    }

    /** A storage type named in the pickle ({@code torch.FloatStorage}). */
    private record StorageType(StoredTensor.Dtype dtype) implements IObjectConstructor {
        @Override
        public Object construct(Object[] args) {
            throw new PickleException("a storage type is not constructed by a state dict");
        }
    }

    /** {@code collections.OrderedDict}: keeps the order of the state dict. */
    private static final class OrderedDict extends LinkedHashMap<Object, Object> {
    }

    /** A Python int as a long: Pyrolite gives Integer or Long (a BigInteger is beyond any file). */
    static long whole(Object o, String what) {
        if (o instanceof Integer || o instanceof Long || o instanceof Short || o instanceof Byte) {
            return ((Number) o).longValue();
        }
        throw new Refused(what + " is " + describe(o) + ", not a whole number that fits a long; the file is"
                + " corrupt or crafted");
    }

    static long[] wholes(Object tuple, String what) {
        if (!(tuple instanceof Object[] items)) {
            throw new Refused(what + " is " + describe(tuple) + ", not a tuple; the file is corrupt or crafted");
        }
        long[] out = new long[items.length];
        for (int i = 0; i < items.length; i++) {
            out[i] = whole(items[i], what + " " + describe(tuple) + ", item " + i + ",");
        }
        return out;
    }

    /** What a pickled value is, in a few words: never recursive, so a crafted nesting can't overflow the stack here. */
    static String describe(Object o) {
        if (o == null) {
            return "None";
        }
        if (o instanceof String s) {
            return s.length() <= 60 ? s : s.substring(0, 60) + "...";
        }
        if (o instanceof Number || o instanceof Boolean) {
            return o.toString();
        }
        if (o instanceof TensorRef) {
            return "single tensor";
        }
        if (o instanceof Object[] a) {
            return "tuple of " + a.length;
        }
        if (o instanceof java.util.Collection<?> c) {
            return (o instanceof java.util.Set ? "set of " : "list of ") + c.size();
        }
        if (o instanceof Map<?, ?> m) {
            return "dict of " + m.size();
        }
        return o.getClass().getSimpleName();
    }

    private final String where;

    StateDictUnpickler(String where) {
        this.where = where;
    }

    @Override
    protected Object dispatch(short key) throws IOException {
        switch (key) {
            case Opcodes.GLOBAL -> {
                String module = PickleUtils.readline(input);
                String name = PickleUtils.readline(input);
                stack.add(resolve(module, name));
                return NO_RETURN_VALUE;
            }
            case Opcodes.STACK_GLOBAL -> {
                String name = (String) stack.pop();
                String module = (String) stack.pop();
                stack.add(resolve(module, name));
                return NO_RETURN_VALUE;
            }
            case Opcodes.INST, Opcodes.OBJ -> throw refused("an INST/OBJ instruction (old-style class instances)");
            case Opcodes.BUILD -> {
                Object state = stack.pop();
                if (!(stack.peek() instanceof OrderedDict)) {
                    throw refused("state set on a " + describe(stack.peek()));
                }
                // A state dict's BUILD sets its _metadata (module versions): nothing NetDSL needs.
                return NO_RETURN_VALUE;
            }
            case Opcodes.EMPTY_DICT -> {
                stack.add(new LinkedHashMap<>());
                return NO_RETURN_VALUE;
            }
            // Dict keys and set items are hashed: a list, dict or set there (which Python can't hash) would make
            // Java hash its contents, recursively, and a crafted nesting overflow the stack.
            case Opcodes.SETITEM -> {
                Object value = stack.pop();
                Object k = stack.pop();
                dict(stack.peek(), "SETITEM").put(hashable(k, "a dict key"), value);
                return NO_RETURN_VALUE;
            }
            case Opcodes.SETITEMS -> {
                List<Object> items = stack.pop_all_since_marker();
                putAll(dict(stack.peek(), "SETITEMS"), items);
                return NO_RETURN_VALUE;
            }
            case Opcodes.DICT -> {
                Map<Object, Object> dict = new LinkedHashMap<>();
                putAll(dict, stack.pop_all_since_marker());
                stack.add(dict);
                return NO_RETURN_VALUE;
            }
            case Opcodes.EMPTY_SET -> {
                stack.add(new java.util.LinkedHashSet<>());
                return NO_RETURN_VALUE;
            }
            case Opcodes.ADDITEMS, Opcodes.FROZENSET -> {
                List<Object> items = stack.pop_all_since_marker();
                @SuppressWarnings("unchecked")
                java.util.Set<Object> set = key == Opcodes.FROZENSET ? new java.util.LinkedHashSet<>()
                        : (java.util.Set<Object>) stack.peek();
                for (Object item : items) {
                    set.add(hashable(item, "a set item"));
                }
                if (key == Opcodes.FROZENSET) {
                    stack.add(set);
                }
                return NO_RETURN_VALUE;
            }
            default -> {
                return super.dispatch(key);
            }
        }
    }

    @SuppressWarnings("unchecked")
    private Map<Object, Object> dict(Object target, String instruction) {
        if (!(target instanceof Map)) {
            throw refused(instruction + " on a " + describe(target));
        }
        return (Map<Object, Object>) target;
    }

    private void putAll(Map<Object, Object> dict, List<Object> items) {
        if (items.size() % 2 != 0) {
            throw refused("a dict of " + items.size() + " keys and values (an odd number)");
        }
        for (int i = 0; i < items.size(); i += 2) {
            dict.put(hashable(items.get(i), "a dict key"), items.get(i + 1));
        }
    }

    private Object hashable(Object o, String role) {
        if (o instanceof java.util.Collection || o instanceof Map) {
            throw refused("a " + describe(o) + " as " + role + " (Python can't hash one; a state dict's keys are strings)");
        }
        return o;
    }

    private Refused refused(String what) {
        return new Refused(where + ": refused to unpickle " + what + "; a state dict holds only tensors in (ordered) dicts");
    }

    private IObjectConstructor resolve(String module, String name) {
        String full = module + "." + name;
        if (module.equals("torch") && name.endsWith("Storage")) {
            StoredTensor.Dtype dtype = switch (name) {
                case "FloatStorage" -> StoredTensor.Dtype.FLOAT32;
                case "DoubleStorage" -> StoredTensor.Dtype.FLOAT64;
                case "HalfStorage" -> StoredTensor.Dtype.FLOAT16;
                case "BFloat16Storage" -> StoredTensor.Dtype.BFLOAT16;
                case "LongStorage" -> StoredTensor.Dtype.INT64;
                case "IntStorage" -> StoredTensor.Dtype.INT32;
                case "ShortStorage" -> StoredTensor.Dtype.INT16;
                case "CharStorage" -> StoredTensor.Dtype.INT8;
                case "ByteStorage" -> StoredTensor.Dtype.UINT8;
                case "BoolStorage" -> StoredTensor.Dtype.BOOL;
                default -> throw new Refused(where + ": tensors of " + full + " are not supported (NetDSL"
                        + " reads float32, float64, float16, bfloat16 and integer tensors)");
            };
            return new StorageType(dtype);
        }
        if (!ALLOWED.contains(full)) {
            String hint = full.startsWith("torch.nn.") || module.equals("__main__")
                    ? " (the file holds a whole pickled model; save its weights with torch.save(model.state_dict(), path))"
                    : "";
            throw new Refused(where + ": refused to unpickle " + full + ": a state dict uses only "
                    + "collections.OrderedDict, torch._utils._rebuild_tensor_v2 and torch storages, and NetDSL runs no other"
                    + " pickled code" + hint);
        }
        return switch (full) {
            case "collections.OrderedDict" -> args -> new OrderedDict();
            // _rebuild_parameter(data, requires_grad, backward_hooks).
            case "torch._utils._rebuild_parameter" -> args -> {
                if (args == null || args.length < 1 || !(args[0] instanceof TensorRef)) {
                    throw refused("a parameter rebuilt from " + describe(args) + " rather than from a tensor");
                }
                return args[0];
            };
            // _rebuild_tensor_v2(storage, offset, size, stride, requires_grad, backward_hooks[, metadata]);
            // _rebuild_tensor(storage, offset, size, stride). Checked once the tensor's name is known.
            default -> TensorRef::new;
        };
    }

    @Override
    protected Object persistentLoad(Object pid) {
        // ('storage', storage type, key, location, element count)
        if (!(pid instanceof Object[] t) || t.length < 5 || !"storage".equals(t[0]) || !(t[1] instanceof StorageType type)
                || !(t[2] instanceof String storageKey)) {
            throw new Refused(where + ": a persistent id (" + describe(pid) + ") that is not a torch storage; the file is"
                    + " corrupt or crafted");
        }
        long numel = whole(t[4], where + ": the element count of storage data/" + PyTorchFiles.shorten(storageKey));
        if (numel < 0) {
            throw new Refused(where + ": storage data/" + PyTorchFiles.shorten(storageKey) + " has " + numel
                    + " elements; the file is corrupt or crafted");
        }
        return new Storage(type.dtype(), storageKey, numel);
    }
}
