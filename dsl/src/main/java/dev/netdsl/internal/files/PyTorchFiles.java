package dev.netdsl.internal.files;

import dev.netdsl.internal.AtomicFiles;
import dev.netdsl.internal.files.StateDictUnpickler.Refused;
import dev.netdsl.internal.files.StateDictUnpickler.Storage;
import dev.netdsl.internal.files.StateDictUnpickler.TensorRef;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
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

/**
 * PyTorch's {@code torch.save} files (the zip format of PyTorch 1.6 and later): {@code <archive>/data.pkl},
 * a pickle of the state dict whose tensors refer to storages {@code <archive>/data/<key>}, raw little-endian
 * elements. The pickle is read by {@code net.razorvine.pickle} with every class reference checked first:
 * only what a state dict uses ({@code collections.OrderedDict}, {@code torch._utils._rebuild_tensor_v2},
 * {@code torch.*Storage}, ...) is accepted; anything else is refused by name before anything is built. No
 * Python runs, so a malicious file can at worst be refused.
 */
public final class PyTorchFiles {
    /** The most bytes NetDSL reads as a pickle: torch.save pickles about 125 bytes per tensor. */
    static final long MAX_PICKLE = 64L << 20;
    /** How deep dicts may nest: a checkpoint's optimizer state nests 4 deep. */
    static final int MAX_DEPTH = 100;
    /** The most elements (and bytes) one Java array holds. */
    static final long MAX_ARRAY = Integer.MAX_VALUE - 8;

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

    /**
     * The tensors of a {@code torch.save} file, in the state dict's order; nested dicts (a checkpoint's
     * {@code {"model": state_dict, ...}}) give dotted names ({@code model.0.weight}), other values are skipped.
     * Nothing the file merely declares is allocated before it is checked against what the file holds: the
     * pickle's lengths against its bytes ({@link PickleCheck}), a storage's element count against its entry,
     * a tensor's view against its storage, the whole against the Java heap.
     *
     * @throws IllegalArgumentException naming the file and the problem: not a zip, truncated, corrupt
     *     (CRC mismatch), a TorchScript archive, a class a state dict does not use, a pickle that declares more
     *     than it holds or builds more than a state dict does, a dict that holds itself or nests too deep, a
     *     storage that is missing, too short or too long, or viewed as two element types, a view outside its
     *     storage or with a negative stride, a big-endian file, an element type NetDSL does not read
     */
    public static List<StoredTensor> read(Path file) {
        String where = "PyTorch file " + file;
        try (ZipFile zip = new ZipFile(file.toFile())) {
            String prefix = archivePrefix(zip, where);
            ZipEntry order = zip.getEntry(prefix + "byteorder");
            if (order != null && !new String(bytes(zip, order, 16, where), StandardCharsets.US_ASCII).strip().equals("little")) {
                throw new IllegalArgumentException(where + " was written on a big-endian machine; NetDSL reads little-endian"
                        + " files: load it in PyTorch on a little-endian machine and save it again");
            }
            byte[] pickle = bytes(zip, zip.getEntry(prefix + "data.pkl"), MAX_PICKLE, where);
            PickleCheck.check(pickle, where + ": its data.pkl");
            Object root;
            try {
                root = new StateDictUnpickler(where).load(new ByteArrayInputStream(pickle));
            } catch (Refused e) {
                throw e;
            } catch (IOException | RuntimeException e) {
                throw new IllegalArgumentException(where + ": its data.pkl is not a state dict this reader understands ("
                        + e.getMessage() + ")", e);
            }
            if (!(root instanceof Map<?, ?> map)) {
                throw new IllegalArgumentException(where + " holds a " + StateDictUnpickler.describe(root) + ", not a state dict;"
                        + " save one with torch.save(model.state_dict(), path)");
            }
            Map<String, TensorRef> refs = new LinkedHashMap<>();
            // A dict may be shared (a checkpoint's {"model": sd, "ema": sd}), but sharing must not multiply the names
            // exponentially (d1 = {"a": d0, "b": d0}, d2 = {"a": d1, "b": d1}, ...): the walk is bounded by the distinct entries.
            long distinct = distinctEntries(map, java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>()), 0);
            flatten("", map, refs, java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>()),
                    new long[] {4 * distinct + 10_000, distinct}, where);
            if (refs.isEmpty()) {
                throw new IllegalArgumentException(where + " holds no tensors (its keys: " + keys(map) + ")");
            }
            Map<String, StorageView> views = new LinkedHashMap<>();
            refs.forEach((name, ref) -> views.put(name, StorageView.check(name, ref, where)));
            Map<String, ZipEntry> entries = storages(zip, prefix, views, where);
            checkHeap(views, where);
            Map<String, byte[]> data = new LinkedHashMap<>();
            List<StoredTensor> out = new ArrayList<>();
            for (Map.Entry<String, StorageView> e : views.entrySet()) {
                StorageView v = e.getValue();
                byte[] bytes = v.count() == 0 ? new byte[0]
                        : data.computeIfAbsent(v.storage().key(), k -> storage(zip, entries.get(k), v.storage(), where));
                out.add(v.gather(e.getKey(), bytes));
            }
            return out;
        } catch (Refused e) {
            throw new IllegalArgumentException(e.getMessage(), e);
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

    /**
     * An entry's bytes, at most {@code limit} of them, checked against the CRC32 the archive records (a zip reader
     * does not check stored entries). An entry whose central directory declares more than {@code limit} is refused
     * before reading; one that inflates past its declared size (a zip bomb may lie; {@code ZipFile} inflates on
     * regardless) is refused one byte past it.
     */
    private static byte[] bytes(ZipFile zip, ZipEntry entry, long limit, String where) {
        long declared = entry.getSize();
        if (declared > limit) {
            throw new IllegalArgumentException(where + ": entry " + entry.getName() + " declares " + declared + " bytes, more"
                    + " than the " + limit + " NetDSL reads there; the file is corrupt or crafted (a zip bomb?)");
        }
        long cap = declared >= 0 ? declared : limit;
        try (InputStream in = zip.getInputStream(entry)) {
            // readNBytes allocates as the bytes arrive, not the cap up front.
            byte[] b = in.readNBytes((int) cap);
            if (in.read() != -1) {
                throw new IllegalArgumentException(where + ": entry " + entry.getName() + " inflates to more than the " + cap
                        + " bytes " + (cap == declared ? "its zip directory declares" : "NetDSL reads there")
                        + "; the file is corrupt or crafted (a zip bomb?)");
            }
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

    /** A storage's bytes: exactly the {@code numel * element size} its pickle declares ({@link #storages} checked the entry). */
    private static byte[] storage(ZipFile zip, ZipEntry entry, Storage s, String where) {
        long need = s.numel() * s.dtype().size;
        byte[] b = bytes(zip, entry, need, where);
        if (b.length != need) {
            throw new IllegalArgumentException(where + ": storage data/" + s.key() + " holds " + b.length + " bytes, but its "
                    + s.numel() + " " + s.dtype().torchName + " elements need " + need + "; the file is truncated or corrupt");
        }
        return b;
    }

    /**
     * The zip entry of each storage a non-empty tensor reads, after checking that every storage is viewed with one
     * element type and one element count, and that its entry holds exactly the bytes its elements need.
     */
    private static Map<String, ZipEntry> storages(ZipFile zip, String prefix, Map<String, StorageView> views, String where) {
        Map<String, Storage> seen = new LinkedHashMap<>();
        Map<String, String> firstUser = new LinkedHashMap<>();
        Map<String, ZipEntry> out = new LinkedHashMap<>();
        for (Map.Entry<String, StorageView> e : views.entrySet()) {
            Storage s = e.getValue().storage();
            Storage prior = seen.putIfAbsent(s.key(), s);
            if (prior == null) {
                firstUser.put(s.key(), e.getKey());
            } else if (prior.dtype() != s.dtype()) {
                throw new IllegalArgumentException(where + ": storage data/" + s.key() + " is " + prior.dtype().torchName + " for tensor "
                        + shorten(firstUser.get(s.key())) + " but " + s.dtype().torchName + " for tensor " + shorten(e.getKey())
                        + "; torch.save refuses to write one storage as two element types, so the file is corrupt or crafted");
            } else if (prior.numel() != s.numel()) {
                throw new IllegalArgumentException(where + ": storage data/" + s.key() + " has " + prior.numel() + " elements for tensor "
                        + shorten(firstUser.get(s.key())) + " but " + s.numel() + " elements for tensor " + shorten(e.getKey())
                        + "; the file is corrupt or crafted");
            }
            if (e.getValue().count() == 0 || out.containsKey(s.key())) {
                continue;
            }
            ZipEntry entry = zip.getEntry(prefix + "data/" + s.key());
            if (entry == null) {
                throw new IllegalArgumentException(where + ": storage data/" + s.key() + " that tensor " + shorten(e.getKey())
                        + " uses is missing");
            }
            long need = s.numel() > MAX_ARRAY / s.dtype().size ? -1 : s.numel() * s.dtype().size;
            if (need < 0 || entry.getSize() >= 0 && entry.getSize() != need) {
                throw new IllegalArgumentException(where + ": storage data/" + s.key() + " declares " + s.numel() + " "
                        + s.dtype().torchName + " elements (" + (need < 0 ? "more bytes than one Java array holds"
                        : need + " bytes") + "), but its entry holds " + entry.getSize() + " bytes; the file is corrupt or crafted");
            }
            out.put(s.key(), entry);
        }
        return out;
    }

    /**
     * Refuses a file whose storages and float32 tensors together need more than the Java heap's maximum, before
     * allocating any (a zero stride makes a one-element storage any size).
     */
    private static void checkHeap(Map<String, StorageView> views, String where) {
        long max = Runtime.getRuntime().maxMemory();
        if (max == Long.MAX_VALUE) {
            return;
        }
        long total = 0;
        String largest = null;
        long largestBytes = -1;
        Map<String, Long> storageBytes = new LinkedHashMap<>();
        for (Map.Entry<String, StorageView> e : views.entrySet()) {
            StorageView v = e.getValue();
            long bytes = 4 * v.count();
            total += bytes;
            if (v.count() > 0) {
                storageBytes.put(v.storage().key(), v.storage().numel() * v.storage().dtype().size);
            }
            if (bytes > largestBytes) {
                largestBytes = bytes;
                largest = e.getKey() + " " + java.util.Arrays.toString(v.size());
            }
        }
        for (long b : storageBytes.values()) {
            total += b;
        }
        if (total > max) {
            throw new IllegalArgumentException(where + " needs " + (total >> 20) + " MB of Java heap to load (tensor " + shorten(largest)
                    + " alone takes " + (largestBytes >> 20) + " MB as float32), more than this JVM's maximum of " + (max >> 20)
                    + " MB; if the file is genuine, run java with a larger -Xmx");
        }
    }

    /** The entries of {@code map} and the dicts in it, each dict counted once however often it is shared. */
    private static long distinctEntries(Map<?, ?> map, java.util.Set<Map<?, ?>> seen, int depth) {
        if (depth > MAX_DEPTH || !seen.add(map)) {
            return 0;
        }
        long n = map.size();
        for (Object v : map.values()) {
            if (v instanceof Map<?, ?> inner) {
                n += distinctEntries(inner, seen, depth + 1);
            }
        }
        return n;
    }

    /**
     * The tensors of {@code map} and the dicts in it, by dotted name. Refuses a dict that holds itself, dicts
     * nested more than {@link #MAX_DEPTH} deep, more entries visited than {@code budget[0]} (dicts shared under
     * exponentially many names; {@code budget[1]} is the count of distinct entries), and two tensors that flatten
     * to one name.
     */
    private static void flatten(String prefix, Map<?, ?> map, Map<String, TensorRef> out, java.util.Set<Map<?, ?>> path,
                                long[] budget, String where) {
        if (!path.add(map)) {
            throw new IllegalArgumentException(where + ": a dict holds itself (under " + shorten(prefix.substring(0, prefix.length() - 1))
                    + "); a state dict never does, so the file is corrupt or crafted");
        }
        if (path.size() > MAX_DEPTH) {
            throw new IllegalArgumentException(where + ": dicts nested more than " + MAX_DEPTH + " deep (under " + shorten(prefix)
                    + "); a state dict nests a few levels, so the file is corrupt or crafted");
        }
        for (Map.Entry<?, ?> e : map.entrySet()) {
            if (--budget[0] < 0) {
                throw new IllegalArgumentException(where + ": its dicts, shared under many names, hold more than four times their "
                        + budget[1] + " distinct entries; the file is corrupt or crafted");
            }
            String name = prefix + e.getKey();
            if (e.getValue() instanceof TensorRef t) {
                if (out.putIfAbsent(name, t) != null) {
                    throw new IllegalArgumentException(where + ": names tensor " + shorten(name) + " twice (nested dicts flatten"
                            + " to the same dotted name); the file is corrupt or crafted");
                }
            } else if (e.getValue() instanceof Map<?, ?> inner) {
                flatten(name + ".", inner, out, path, budget, where);
            }
        }
        path.remove(map);
    }

    /** A name for a message: at most 200 characters. */
    static String shorten(String s) {
        return s == null || s.length() <= 200 ? s : s.substring(0, 200) + "...";
    }

    /** The first keys of a dict, for a message. */
    private static String keys(Map<?, ?> map) {
        List<String> out = new ArrayList<>();
        for (Object k : map.keySet()) {
            if (out.size() == 10) {
                out.add("... (" + map.size() + " in all)");
                break;
            }
            out.add(StateDictUnpickler.describe(k));
        }
        return out.toString();
    }
}
