package dev.netdsl.internal;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;
import net.razorvine.pickle.IObjectConstructor;
import net.razorvine.pickle.Opcodes;
import net.razorvine.pickle.PickleException;
import net.razorvine.pickle.PickleUtils;
import net.razorvine.pickle.Unpickler;

/**
 * PyTorch's {@code torch.save} files (the zip format of PyTorch 1.6 and later): {@code <archive>/data.pkl},
 * a pickle of the state dict whose tensors refer to storages {@code <archive>/data/<key>}, raw little-endian
 * elements. The pickle is read by {@code net.razorvine.pickle} with every class reference checked first:
 * only what a state dict uses ({@code collections.OrderedDict}, {@code torch._utils._rebuild_tensor_v2},
 * {@code torch.*Storage}, ...) is accepted; anything else is refused by name before anything is built. No
 * Python runs, so a malicious file can at worst be refused.
 */
public final class PyTorchFiles {
    /** The pickle's class references NetDSL accepts, besides the storage types. */
    private static final List<String> ALLOWED = List.of("collections.OrderedDict", "torch._utils._rebuild_tensor_v2",
            "torch._utils._rebuild_tensor", "torch._utils._rebuild_parameter");

    private PyTorchFiles() {
    }

    /** True for a zip archive (what {@code torch.save} writes since PyTorch 1.6). */
    public static boolean looksLike(byte[] start) {
        return start.length >= 4 && start[0] == 'P' && start[1] == 'K' && start[2] == 3 && start[3] == 4;
    }

    /** True for the pickle stream {@code torch.save} wrote before PyTorch 1.6 (or with the legacy option). */
    public static boolean looksLegacy(byte[] start) {
        return start.length >= 2 && (start[0] & 0xff) == 0x80 && start[1] >= 2 && start[1] <= 5;
    }

    /** A storage the pickle refers to: its element type, its key in {@code data/}, its element count. */
    private record Storage(StoredTensor.Dtype dtype, String key, long numel) {
    }

    /** A tensor the pickle rebuilds: a strided view of a storage. */
    private record TensorRef(Storage storage, long offset, long[] size, long[] stride) {
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

    /**
     * The tensors of a {@code torch.save} file, in the state dict's order; nested dicts (a checkpoint's
     * {@code {"model": state_dict, ...}}) give dotted names ({@code model.0.weight}), other values are skipped.
     *
     * @throws IllegalArgumentException naming the file and the problem: not a zip, truncated, corrupt
     *     (CRC mismatch), a TorchScript archive, a class a state dict does not use, a storage that is missing
     *     or too short, a big-endian file, an element type NetDSL does not read
     */
    public static List<StoredTensor> read(Path file) {
        String where = "PyTorch file " + file;
        try (ZipFile zip = new ZipFile(file.toFile())) {
            String prefix = archivePrefix(zip, where);
            ZipEntry order = zip.getEntry(prefix + "byteorder");
            if (order != null && !new String(bytes(zip, order, where), StandardCharsets.US_ASCII).strip().equals("little")) {
                throw new IllegalArgumentException(where + " was written on a big-endian machine; NetDSL reads little-endian"
                        + " files: load it in PyTorch on a little-endian machine and save it again");
            }
            Object root;
            try {
                root = new StateDictUnpickler(where).load(new ByteArrayInputStream(bytes(zip, zip.getEntry(prefix + "data.pkl"), where)));
            } catch (PickleException | ClassCastException | IndexOutOfBoundsException e) {
                throw new IllegalArgumentException(where + ": its data.pkl is not a state dict this reader understands ("
                        + e.getMessage() + ")", e);
            }
            if (!(root instanceof Map<?, ?> map)) {
                throw new IllegalArgumentException(where + " holds a " + describe(root) + ", not a state dict; save one with"
                        + " torch.save(model.state_dict(), path)");
            }
            Map<String, TensorRef> refs = new LinkedHashMap<>();
            flatten("", map, refs);
            if (refs.isEmpty()) {
                throw new IllegalArgumentException(where + " holds no tensors (its keys: " + map.keySet() + ")");
            }
            Map<String, byte[]> storages = new LinkedHashMap<>();
            List<StoredTensor> out = new ArrayList<>();
            for (Map.Entry<String, TensorRef> e : refs.entrySet()) {
                TensorRef t = e.getValue();
                byte[] data = storages.computeIfAbsent(t.storage().key(), k -> storage(zip, prefix, t.storage(), where));
                out.add(gather(e.getKey(), t, data, where));
            }
            return out;
        } catch (ZipException e) {
            throw new IllegalArgumentException(where + " is not a readable zip archive (" + e.getMessage() + "): it is truncated or"
                    + " corrupt, or not written by torch.save", e);
        } catch (IOException e) {
            throw new IllegalArgumentException("can't read " + file + ": " + AtomicFiles.describe(e), e);
        }
    }

    /** The archive's folder ({@code archive/}), where {@code data.pkl} is. */
    private static String archivePrefix(ZipFile zip, String where) {
        String prefix = null;
        boolean script = false;
        for (Enumeration<? extends ZipEntry> en = zip.entries(); en.hasMoreElements(); ) {
            String name = en.nextElement().getName();
            if (name.endsWith("/data.pkl") && name.indexOf('/') == name.length() - "/data.pkl".length()) {
                prefix = name.substring(0, name.length() - "data.pkl".length());
            }
            script |= name.endsWith("/constants.pkl") || name.contains("/code/");
        }
        if (prefix == null || script) {
            throw new IllegalArgumentException(where + (script ? " is a TorchScript archive (torch.jit.save), not a state dict"
                    : " is a zip archive without <archive>/data.pkl, not a torch.save file")
                    + "; save the weights with torch.save(model.state_dict(), path)");
        }
        return prefix;
    }

    /** An entry's bytes, checked against the CRC32 the archive records (a zip reader does not check stored entries). */
    private static byte[] bytes(ZipFile zip, ZipEntry entry, String where) {
        try (InputStream in = zip.getInputStream(entry)) {
            byte[] b = in.readAllBytes();
            CRC32 crc = new CRC32();
            crc.update(b);
            if (entry.getCrc() != -1 && crc.getValue() != entry.getCrc()) {
                throw new IllegalArgumentException(where + ": entry " + entry.getName() + " is corrupt (its CRC32 does not match)");
            }
            return b;
        } catch (ZipException e) {
            throw new IllegalArgumentException(where + ": entry " + entry.getName() + " can't be read (" + e.getMessage()
                    + "); the file is truncated or corrupt", e);
        } catch (IOException e) {
            throw new IllegalArgumentException(where + ": entry " + entry.getName() + " can't be read (" + AtomicFiles.describe(e)
                    + ")", e);
        }
    }

    private static byte[] storage(ZipFile zip, String prefix, Storage s, String where) {
        ZipEntry entry = zip.getEntry(prefix + "data/" + s.key());
        if (entry == null) {
            throw new IllegalArgumentException(where + ": storage data/" + s.key() + " that a tensor uses is missing");
        }
        byte[] b = bytes(zip, entry, where);
        if (b.length < s.numel() * s.dtype().size) {
            throw new IllegalArgumentException(where + ": storage data/" + s.key() + " has " + b.length + " bytes, but its "
                    + s.numel() + " " + s.dtype().torchName + " elements need " + s.numel() * s.dtype().size);
        }
        return b;
    }

    /** The tensor's values: element {@code (i0, i1, ...)} is storage element {@code offset + sum(ik * stride[k])}. */
    private static StoredTensor gather(String name, TensorRef t, byte[] data, String where) {
        long count = 1;
        List<Integer> shape = new ArrayList<>();
        for (long d : t.size()) {
            if (d < 0 || d > Integer.MAX_VALUE) {
                throw new IllegalArgumentException(where + ": tensor " + name + " has a bad size " + java.util.Arrays.toString(t.size()));
            }
            shape.add((int) d);
            count *= d;
        }
        if (count > Integer.MAX_VALUE || t.size().length != t.stride().length) {
            throw new IllegalArgumentException(where + ": tensor " + name + " has size " + java.util.Arrays.toString(t.size())
                    + " and stride " + java.util.Arrays.toString(t.stride()) + ", which don't fit together");
        }
        ByteBuffer buf = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
        float[] values = new float[(int) count];
        int rank = shape.size();
        long[] index = new long[rank];
        for (int i = 0; i < values.length; i++) {
            long at = t.offset();
            for (int k = 0; k < rank; k++) {
                at += index[k] * t.stride()[k];
            }
            if (at < 0 || at >= t.storage().numel()) {
                throw new IllegalArgumentException(where + ": tensor " + name + " reads element " + at + " of a storage of "
                        + t.storage().numel() + "; the file is corrupt");
            }
            values[i] = t.storage().dtype().get(buf, (int) at);
            for (int k = rank - 1; k >= 0; k--) {
                if (++index[k] < t.size()[k]) {
                    break;
                }
                index[k] = 0;
            }
        }
        return new StoredTensor(name, shape, t.storage().dtype().torchName, values);
    }

    private static void flatten(String prefix, Map<?, ?> map, Map<String, TensorRef> out) {
        for (Map.Entry<?, ?> e : map.entrySet()) {
            String name = prefix + e.getKey();
            if (e.getValue() instanceof TensorRef t) {
                out.put(name, t);
            } else if (e.getValue() instanceof Map<?, ?> inner) {
                flatten(name + ".", inner, out);
            }
        }
    }

    private static String describe(Object o) {
        return o == null ? "None" : o instanceof TensorRef ? "single tensor" : o.getClass().getSimpleName();
    }

    private static long[] longs(Object tuple) {
        Object[] items = (Object[]) tuple;
        long[] out = new long[items.length];
        for (int i = 0; i < items.length; i++) {
            out[i] = ((Number) items[i]).longValue();
        }
        return out;
    }

    /** The restricted unpickler: class references are checked against {@link #ALLOWED} and the storage types. */
    private static final class StateDictUnpickler extends Unpickler {
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
                case Opcodes.SETITEMS -> {
                    List<Object> items = stack.pop_all_since_marker();
                    @SuppressWarnings("unchecked")
                    Map<Object, Object> dict = (Map<Object, Object>) stack.peek();
                    for (int i = 0; i + 1 < items.size(); i += 2) {
                        dict.put(items.get(i), items.get(i + 1));
                    }
                    return NO_RETURN_VALUE;
                }
                default -> {
                    return super.dispatch(key);
                }
            }
        }

        private IllegalArgumentException refused(String what) {
            return new IllegalArgumentException(where + ": refused to unpickle " + what + "; a state dict holds only tensors in"
                    + " (ordered) dicts");
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
                    default -> throw new IllegalArgumentException(where + ": tensors of " + full + " are not supported (NetDSL"
                            + " reads float32, float64, float16, bfloat16 and integer tensors)");
                };
                return new StorageType(dtype);
            }
            if (!ALLOWED.contains(full)) {
                String hint = full.startsWith("torch.nn.") || module.equals("__main__")
                        ? " (the file holds a whole pickled model; save its weights with torch.save(model.state_dict(), path))"
                        : "";
                throw new IllegalArgumentException(where + ": refused to unpickle " + full + ": a state dict uses only "
                        + "collections.OrderedDict, torch._utils._rebuild_tensor_v2 and torch storages, and NetDSL runs no other"
                        + " pickled code" + hint);
            }
            return switch (full) {
                case "collections.OrderedDict" -> args -> new OrderedDict();
                case "torch._utils._rebuild_parameter" -> args -> args[0];
                // _rebuild_tensor_v2(storage, offset, size, stride, requires_grad, backward_hooks[, metadata]);
                // _rebuild_tensor(storage, offset, size, stride).
                default -> args -> new TensorRef((Storage) args[0], ((Number) args[1]).longValue(), longs(args[2]), longs(args[3]));
            };
        }

        @Override
        protected Object persistentLoad(Object pid) {
            // ('storage', storage type, key, location, element count)
            Object[] t = (Object[]) pid;
            if (t.length < 5 || !"storage".equals(t[0]) || !(t[1] instanceof StorageType type)) {
                throw new IllegalArgumentException(where + ": a persistent id " + java.util.Arrays.deepToString(t)
                        + " that is not a torch storage");
            }
            return new Storage(type.dtype(), String.valueOf(t[2]), ((Number) t[4]).longValue());
        }
    }
}
