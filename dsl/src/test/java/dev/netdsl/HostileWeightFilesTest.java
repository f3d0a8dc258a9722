package dev.netdsl;

import static dev.netdsl.layers.Layers.linear;
import static dev.netdsl.layers.Layers.tanh;
import static java.nio.charset.StandardCharsets.US_ASCII;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.assertj.core.api.Assertions.within;

import dev.netdsl.io.LoadOptions;
import dev.netdsl.io.LoadResult;
import dev.netdsl.io.TensorFiles;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Weight files built to hurt (an outside review's findings 11 and 12): each is refused with an
 * {@link IllegalArgumentException} that names the file and the problem, before the reader allocates what
 * the file merely declares: never a {@link StackOverflowError} or {@link OutOfMemoryError}, never a raw
 * {@link IndexOutOfBoundsException}, never silently wrong values. The files are built here, byte by byte
 * (a small pickle writer, torch.save's zip layout, safetensors, NetDSL's frame), small on disk however
 * much they claim. Empty tensors, which PyTorch saves like any other, are values and load as such.
 */
class HostileWeightFilesTest {
    /** What a refusal may allocate: far below what any of these files declares. */
    static final long BUDGET = 48L << 20;

    @TempDir
    Path dir;

    // ---- refusing ---------------------------------------------------------------------------------------------

    /**
     * Bytes the current thread has allocated so far: HotSpot's per-thread counter
     * ({@code com.sun.management.ThreadMXBean}), by reflection, because the tests compile inside module
     * {@code dev.netdsl}, which does not read {@code jdk.management}; they run on the class path.
     */
    static long allocated() {
        try {
            Object bean = Class.forName("java.lang.management.ManagementFactory").getMethod("getThreadMXBean").invoke(null);
            return (long) Class.forName("com.sun.management.ThreadMXBean").getMethod("getThreadAllocatedBytes", long.class)
                    .invoke(bean, Thread.currentThread().getId());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("this JVM does not count allocated bytes per thread", e);
        }
    }

    /**
     * Reading {@code file} fails with an IllegalArgumentException naming the file and each of {@code problem},
     * having allocated less than {@link #BUDGET}.
     */
    static void assertRefused(Path file, String... problem) {
        long before = allocated();
        Throwable thrown = catchThrowable(() -> TensorFiles.read(file));
        long used = allocated() - before;
        assertThat(thrown).as("reading " + file.getFileName()).isExactlyInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(file.toString());
        for (String p : problem) {
            assertThat(thrown).hasMessageContaining(p);
        }
        assertThat(used).as("bytes allocated while refusing " + file.getFileName()).isLessThan(BUDGET);
    }

    /** Little-endian float32 bytes. */
    static byte[] floats(float... values) {
        ByteBuffer b = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(values);
        return b.array();
    }

    // ---- a pickle writer ---------------------------------------------------------------------------------------

    /** Pickle instructions, as {@code torch.save} writes them (protocol 2), or as a hostile file would. */
    static final class Pickle {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();

        Pickle op(int... codes) {
            for (int c : codes) {
                out.write(c);
            }
            return this;
        }

        Pickle repeat(int times, int... codes) {
            for (int i = 0; i < times; i++) {
                op(codes);
            }
            return this;
        }

        /** {@code value} in {@code bytes} little-endian bytes. */
        Pickle le(long value, int bytes) {
            for (int i = 0; i < bytes; i++) {
                out.write((int) (value >>> (8 * i)));
            }
            return this;
        }

        Pickle raw(byte[] b) {
            out.writeBytes(b);
            return this;
        }

        /** BINUNICODE. */
        Pickle str(String s) {
            byte[] b = s.getBytes(UTF_8);
            return op('X').le(b.length, 4).raw(b);
        }

        /** GLOBAL. */
        Pickle global(String module, String name) {
            return op('c').raw((module + "\n" + name + "\n").getBytes(US_ASCII));
        }

        /** BININT1, BININT or an 8-byte LONG1, as Python picks. */
        Pickle integer(long v) {
            if (v >= 0 && v < 256) {
                return op('K', (int) v);
            }
            return v == (int) v ? op('J').le(v, 4) : op(0x8a, 8).le(v, 8);
        }

        Pickle tuple(long... values) {
            op('(');
            for (long v : values) {
                integer(v);
            }
            return op('t');
        }

        /** {@code _rebuild_tensor_v2(persistent storage, offset, size, stride, False, OrderedDict())}. */
        Pickle tensor(T t) {
            global("torch._utils", "_rebuild_tensor_v2").op('(');
            op('(').str("storage").global("torch", t.type).str(t.key).str("cpu").integer(t.numel).op('t', 'Q');
            integer(t.offset).tuple(t.size).tuple(t.stride).op(0x89);
            global("collections", "OrderedDict").op(')', 'R');
            return op('t', 'R');
        }

        /** {@code OrderedDict()} then MARK: what a state dict's items follow (end them with {@link #endDict}). */
        Pickle startDict() {
            return op(0x80, 2).global("collections", "OrderedDict").op(')', 'R', '(');
        }

        /** SETITEMS, STOP. */
        Pickle endDict() {
            return op('u', '.');
        }

        byte[] bytes() {
            return out.toByteArray();
        }
    }

    /** A tensor as a state dict's pickle describes it: a strided view of storage {@code data/key}. */
    record T(String name, String type, String key, long numel, long offset, long[] size, long[] stride) {
        static T of(String name, String type, String key, long numel, long offset, long[] size, long[] stride) {
            return new T(name, type, key, numel, offset, size, stride);
        }
    }

    static long[] dims(long... d) {
        return d;
    }

    /** The pickle of an OrderedDict of {@code tensors}. */
    static byte[] stateDict(T... tensors) {
        Pickle p = new Pickle().startDict();
        for (T t : tensors) {
            p.str(t.name).tensor(t);
        }
        return p.endDict().bytes();
    }

    // ---- torch.save's zip layout -------------------------------------------------------------------------------

    /** A stored (uncompressed) entry, as torch.save writes them. */
    static void stored(ZipOutputStream zip, String name, byte[] data) throws IOException {
        ZipEntry e = new ZipEntry(name);
        e.setMethod(ZipEntry.STORED);
        e.setSize(data.length);
        e.setCompressedSize(data.length);
        CRC32 crc = new CRC32();
        crc.update(data);
        e.setCrc(crc.getValue());
        zip.putNextEntry(e);
        zip.write(data);
        zip.closeEntry();
    }

    /** A deflated entry whose bytes {@code write} produces (a zip bomb's, say). */
    static void deflated(ZipOutputStream zip, String name, Consumer<OutputStream> write) throws IOException {
        ZipEntry e = new ZipEntry(name);
        e.setMethod(ZipEntry.DEFLATED);
        zip.putNextEntry(e);
        write.accept(zip);
        zip.closeEntry();
    }

    /** {@code n} zero bytes, a megabyte at a time. */
    static Consumer<OutputStream> zeros(long n) {
        return out -> {
            byte[] chunk = new byte[1 << 20];
            try {
                for (long left = n; left > 0; left -= chunk.length) {
                    out.write(chunk, 0, (int) Math.min(left, chunk.length));
                }
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        };
    }

    /** A torch.save file: {@code archive/data.pkl}, {@code archive/data/<key>} for each storage, {@code archive/version}. */
    Path torchFile(String name, byte[] pickle, Map<String, byte[]> storages) throws IOException {
        Path file = dir.resolve(name);
        try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(file))) {
            stored(zip, "archive/data.pkl", pickle);
            for (Map.Entry<String, byte[]> s : storages.entrySet()) {
                stored(zip, "archive/data/" + s.getKey(), s.getValue());
            }
            stored(zip, "archive/version", "3\n".getBytes(US_ASCII));
        }
        return file;
    }

    /** A torch.save file whose data.pkl is compressed (a pickle bomb is small that way). */
    Path deflatedPickle(String name, byte[] pickle) throws IOException {
        Path file = dir.resolve(name);
        try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(file))) {
            deflated(zip, "archive/data.pkl", out -> {
                try {
                    out.write(pickle);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            stored(zip, "archive/version", "3\n".getBytes(US_ASCII));
        }
        return file;
    }

    // ---- the writers are right ---------------------------------------------------------------------------------

    @Test
    void a_state_dict_written_by_these_helpers_loads_with_its_values() throws IOException {
        Path file = torchFile("good.pth", stateDict(T.of("0.weight", "FloatStorage", "0", 6, 1, dims(2, 2), dims(3, 1)),
                T.of("0.bias", "DoubleStorage", "1", 2, 0, dims(2), dims(1))),
                Map.of("0", floats(0, 1, 2, 3, 4, 5), "1", ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN)
                        .putDouble(0.5).putDouble(-0.5).array()));
        List<Parameter> read = TensorFiles.read(file);
        assertThat(read).extracting(Parameter::name).containsExactly("0.weight", "0.bias");
        assertThat(read.get(0).values()).containsExactly(1, 2, 4, 5);
        assertThat(read.get(1).values()).containsExactly(0.5f, -0.5f);
        Path safe = safetensors("good.safetensors", "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}", floats(1, 2));
        assertThat(TensorFiles.read(safe).get(0).values()).containsExactly(1, 2);
    }

    // ---- finding 11: tiny files that exhausted the JVM -----------------------------------------------------------

    @Test
    void a_dict_that_holds_itself_is_refused_not_a_stack_overflow() throws IOException {
        // d = {}; d["a"] = d
        byte[] pickle = new Pickle().op(0x80, 2, '}', 'q', 0).str("a").op('h', 0, 's', '.').bytes();
        assertRefused(torchFile("self.pth", pickle, Map.of()), "holds itself");
    }

    static Stream<Arguments> deepNesting() {
        int n = 100_000;
        // {"k": {"k": {... }}}, n deep: the dicts and keys first, then n SETITEMs.
        Pickle dicts = new Pickle().op(0x80, 2, '}');
        for (int i = 0; i < n; i++) {
            dicts.str("k").op('}');
        }
        dicts.repeat(n, 's').op('.');
        // {[[[...]]]: 1}: a list nested n deep as a key (Python can't hash a list; Java recursed into it).
        Pickle listKey = new Pickle().op(0x80, 2, '}').repeat(n, ']').repeat(n - 1, 'a').op('K', 1, 's', '.');
        // A persistent id that is a tuple nested n deep.
        Pickle pid = new Pickle().op(0x80, 2, 'K', 1).repeat(n, 0x85).op('Q', '.');
        return Stream.of(Arguments.of("dicts", dicts.bytes(), "nested more than"),
                Arguments.of("list-key", listKey.bytes(), "as a dict key"),
                Arguments.of("persistent-id", pid.bytes(), "not a torch storage"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("deepNesting")
    void deep_nesting_is_refused_not_a_stack_overflow(String name, byte[] pickle, String problem) throws IOException {
        assertRefused(torchFile(name + ".pth", pickle, Map.of()), problem);
    }

    @Test
    void dicts_shared_exponentially_often_are_refused_after_a_bounded_walk() throws IOException {
        // d0 = {"w": tensor}; d(k+1) = {"a": dk, "b": dk}: 2^40 names from a pickle of a kilobyte.
        Pickle p = new Pickle().op(0x80, 2, '}', '(').str("w")
                .tensor(T.of("w", "FloatStorage", "0", 1, 0, dims(1), dims(1))).op('u', 'q', 0, '0');
        int levels = 40;
        for (int k = 0; k < levels; k++) {
            p.op('}', '(').str("a").op('h', k).str("b").op('h', k).op('u', 'q', k + 1, '0');
        }
        p.op('h', levels, '.');
        assertRefused(torchFile("shared.pth", p.bytes(), Map.of("0", floats(1))), "shared under many names", "81 distinct entries");
    }

    static Stream<Arguments> declaredLengths() {
        return Stream.of(
                // BINBYTES8 declaring 0x8000_0000_7fff_fff0 bytes (8 exabytes): Pyrolite allocated (int) of it.
                Arguments.of("binbytes8", new Pickle().op(0x80, 4, 0x8e).le(0x8000_0000_7fff_fff0L, 8).repeat(560, 'N').op('.')
                        .bytes(), "declares 9223372039002259440 bytes"),
                Arguments.of("binunicode8", new Pickle().op(0x80, 4, 0x8d).le(1L << 40, 8).op('.').bytes(), "declares 1099511627776 bytes"),
                Arguments.of("binbytes", new Pickle().op(0x80, 3, 'B').le(0x7fff_fff0L, 4).op('.').bytes(), "declares 2147483632 bytes"),
                // A string of length -1 (0xffffffff): NegativeArraySizeException.
                Arguments.of("string-length-minus-one", new Pickle().op(0x80, 2, 'X').le(0xffff_ffffL, 4).op('.').bytes(),
                        "declares 4294967295 bytes"),
                Arguments.of("long4", new Pickle().op(0x80, 2, 0x8b).le(-5, 4).op('.').bytes(), "declares -5 bytes"),
                Arguments.of("no-stop", new Pickle().op(0x80, 2, ']').bytes(), "ends without a STOP"),
                Arguments.of("no-newline", new Pickle().op(0x80, 2, 'c').raw("collections".getBytes(US_ASCII)).bytes(), "end of line"),
                Arguments.of("not-an-opcode", new Pickle().op(0x80, 2, 0xff, '.').bytes(), "0xff"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("declaredLengths")
    void lengths_a_pickle_declares_are_checked_against_its_bytes_before_allocating(String name, byte[] pickle, String problem)
            throws IOException {
        assertRefused(torchFile(name + ".pth", pickle, Map.of()), problem);
    }

    @Test
    void a_pickle_with_millions_of_memo_entries_is_refused_before_it_fills_the_heap() throws IOException {
        // 2.5 MB of MEMOIZE, deflated to a few kilobytes: Pyrolite kept every entry (~80 bytes each).
        byte[] pickle = new Pickle().op(0x80, 4, '}').repeat(2_500_000, 0x94).op('.').bytes();
        Path file = deflatedPickle("memo.pth", pickle);
        assertThat(Files.size(file)).isLessThan(64 * 1024);
        assertRefused(file, "memo entries");
    }

    @Test
    void a_pickle_building_millions_of_values_is_refused_before_it_fills_the_heap() throws IOException {
        byte[] pickle = new Pickle().op(0x80, 2).repeat(3_500_000, ']').op('.').bytes();
        assertRefused(deflatedPickle("values.pth", pickle), "values");
    }

    @Test
    void a_zip_bomb_pickle_is_refused_by_its_declared_size_before_reading() throws IOException {
        // 80 MB of zeros deflate to ~80 KB; the zip says 80 MB, more than NetDSL reads as a pickle.
        Path file = dir.resolve("bomb.pth");
        try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(file))) {
            deflated(zip, "archive/data.pkl", zeros(80L << 20));
            stored(zip, "archive/version", "3\n".getBytes(US_ASCII));
        }
        assertThat(Files.size(file)).isLessThan(1L << 20);
        assertRefused(file, "data.pkl", "83886080 bytes");
    }

    @Test
    void a_zip_bomb_storage_that_inflates_past_its_declared_size_is_refused_after_reading_only_that() throws IOException {
        // The storage's 2 elements need 8 bytes; the entry inflates to 80 MB, and its central directory says 8.
        Path file = dir.resolve("storage-bomb.pth");
        try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(file))) {
            stored(zip, "archive/data.pkl", stateDict(T.of("w", "FloatStorage", "0", 2, 0, dims(2), dims(1))));
            deflated(zip, "archive/data/0", zeros(80L << 20));
            stored(zip, "archive/version", "3\n".getBytes(US_ASCII));
        }
        byte[] zip = Files.readAllBytes(file);
        int central = centralDirectoryEntry(zip, "archive/data/0");
        ByteBuffer.wrap(zip, central + 24, 4).order(ByteOrder.LITTLE_ENDIAN).putInt(8);
        Files.write(file, zip);
        assertRefused(file, "data/0", "more than");
    }

    /** Where the central directory's record of {@code name} starts. */
    static int centralDirectoryEntry(byte[] zip, String name) {
        byte[] n = name.getBytes(US_ASCII);
        for (int i = zip.length - 46; i >= 0; i--) {
            if (zip[i] == 'P' && zip[i + 1] == 'K' && zip[i + 2] == 1 && zip[i + 3] == 2
                    && Arrays.equals(Arrays.copyOfRange(zip, i + 46, i + 46 + n.length), n)) {
                return i;
            }
        }
        throw new IllegalStateException(name + " is not in the central directory");
    }

    @Test
    void a_tensor_expanded_from_one_element_to_eight_gigabytes_is_refused_before_allocating() throws IOException {
        // Stride 0 is legal (torch.save keeps an expanded view as one element), but 46340 x 46340 floats are 8.6 GB.
        Path file = torchFile("expanded.pth", stateDict(T.of("w", "FloatStorage", "0", 1, 0, dims(46340, 46340), dims(0, 0))),
                Map.of("0", floats(1)));
        assertRefused(file, "w", "-Xmx");
    }

    // ---- finding 12: values that were silently wrong, and raw exceptions ---------------------------------------

    @Test
    void a_storage_claiming_two_to_the_62_elements_with_offset_two_to_the_32_is_refused_not_read_as_element_0() throws IOException {
        Path file = torchFile("offset.pth", stateDict(T.of("w", "FloatStorage", "0", 1L << 62, 1L << 32, dims(1), dims(1))),
                Map.of("0", floats(7, 8)));
        assertRefused(file, "data/0", "4611686018427387904 float32 elements", "8 bytes");
    }

    @Test
    void a_storage_whose_byte_count_overflows_is_refused_not_an_index_out_of_bounds() throws IOException {
        // (2^61 + 1) * 4 bytes wraps around a long.
        Path file = torchFile("overflow.pth", stateDict(T.of("w", "FloatStorage", "0", (1L << 61) + 1, 0, dims(3), dims(1))),
                Map.of("0", floats(7, 8)));
        assertRefused(file, "data/0", "2305843009213693953 float32 elements");
    }

    @Test
    void a_negative_stride_is_refused_not_read_backwards() throws IOException {
        Path file = torchFile("negative-stride.pth", stateDict(T.of("w", "FloatStorage", "0", 2, 1, dims(2), dims(-1))),
                Map.of("0", floats(7, 8)));
        assertRefused(file, "tensor w", "negative stride");
    }

    @Test
    void a_negative_size_or_offset_is_refused() throws IOException {
        assertRefused(torchFile("negative-size.pth", stateDict(T.of("w", "FloatStorage", "0", 2, 0, dims(-2), dims(1))),
                Map.of("0", floats(7, 8))), "tensor w", "[-2]");
        assertRefused(torchFile("negative-offset.pth", stateDict(T.of("w", "FloatStorage", "0", 2, -1, dims(2), dims(1))),
                Map.of("0", floats(7, 8))), "tensor w", "offset -1");
    }

    @Test
    void a_view_reaching_past_its_storage_is_refused() throws IOException {
        Path file = torchFile("past.pth", stateDict(T.of("w", "FloatStorage", "0", 4, 1, dims(2, 2), dims(2, 1))),
                Map.of("0", floats(1, 2, 3, 4)));
        assertRefused(file, "tensor w", "element 4 of a storage of 4");
    }

    @Test
    void two_tensors_viewing_one_storage_as_different_types_are_refused_not_an_index_out_of_bounds() throws IOException {
        Path file = torchFile("dtypes.pth", stateDict(T.of("a", "FloatStorage", "0", 2, 0, dims(2), dims(1)),
                T.of("b", "DoubleStorage", "0", 2, 0, dims(2), dims(1))), Map.of("0", floats(7, 8)));
        assertRefused(file, "data/0", "float32", "float64");
        Path sizes = torchFile("numels.pth", stateDict(T.of("a", "FloatStorage", "0", 2, 0, dims(2), dims(1)),
                T.of("b", "FloatStorage", "0", 4, 0, dims(4), dims(1))), Map.of("0", floats(7, 8)));
        assertRefused(sizes, "data/0", "2 elements", "4 elements");
    }

    @Test
    void a_fractional_size_or_element_count_is_refused_not_truncated() throws IOException {
        // _rebuild_tensor_v2(storage, 0, (1.9,), (1,), ...): Python floats where ints belong.
        Pickle p = new Pickle().startDict().str("w").global("torch._utils", "_rebuild_tensor_v2").op('(');
        p.op('(').str("storage").global("torch", "FloatStorage").str("0").str("cpu").integer(2).op('t', 'Q');
        p.integer(0).op('(', 'G').raw(ByteBuffer.allocate(8).putDouble(1.9).array()).op('t').tuple(1).op(0x89);
        p.global("collections", "OrderedDict").op(')', 'R').op('t', 'R').endDict();
        assertRefused(torchFile("fractional.pth", p.bytes(), Map.of("0", floats(7, 8))), "tensor w", "1.9", "whole number");
    }

    @Test
    void one_name_given_twice_by_nesting_is_refused_not_overwritten() throws IOException {
        // {"a.b": t1, "a": {"b": t2}} flattens to a.b twice.
        Pickle p = new Pickle().startDict().str("a.b").tensor(T.of("x", "FloatStorage", "0", 1, 0, dims(1), dims(1)));
        p.str("a").op('}', '(').str("b").tensor(T.of("y", "FloatStorage", "1", 1, 0, dims(1), dims(1))).op('u');
        assertRefused(torchFile("twice.pth", p.endDict().bytes(), Map.of("0", floats(1), "1", floats(2))), "a.b", "twice");
    }

    // ---- NetDSL's own files ------------------------------------------------------------------------------------

    @Test
    void a_netdsl_weights_file_declaring_eight_gigabytes_is_refused_before_allocating() throws IOException {
        Path file = netdslWeights("huge.weights", out -> {
            out.writeInt(1);
            out.writeUTF("0.weight");
            out.writeInt(2);
            out.writeInt(46340);
            out.writeInt(46340);
        });
        assertThat(Files.size(file)).isLessThan(64);
        assertRefused(file, "0.weight", "[46340, 46340]", "8589582400 bytes");
    }

    static Stream<Arguments> badWeightsBodies() {
        return Stream.of(Arguments.of("negative-count", (Body) out -> out.writeInt(-1), "-1 parameters"),
                Arguments.of("huge-count", (Body) out -> out.writeInt(Integer.MAX_VALUE), "2147483647 parameters"),
                Arguments.of("negative-rank", (Body) out -> {
                    out.writeInt(1);
                    out.writeUTF("w");
                    out.writeInt(-3);
                }, "rank -3"),
                Arguments.of("negative-dimension", (Body) out -> {
                    out.writeInt(1);
                    out.writeUTF("w");
                    out.writeInt(2);
                    out.writeInt(-1);
                    out.writeInt(-1);
                    out.writeFloat(1);
                }, "[-1, -1]"),
                Arguments.of("overflowing-shape", (Body) out -> {
                    out.writeInt(1);
                    out.writeUTF("w");
                    out.writeInt(4);
                    for (int i = 0; i < 4; i++) {
                        out.writeInt(65536);
                    }
                }, "[65536, 65536, 65536, 65536]"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badWeightsBodies")
    void netdsl_weights_files_with_impossible_counts_are_refused(String name, Body body, String problem) throws IOException {
        assertRefused(netdslWeights(name + ".weights", body), problem);
    }

    @Test
    void a_netdsl_file_over_two_gigabytes_is_refused_not_an_out_of_memory_error() throws IOException {
        Path file = dir.resolve("sparse.weights");
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.write("NETDSLW\0".getBytes(US_ASCII));
            f.setLength(3L << 30); // sparse: no disk space taken
        }
        assertRefused(file, "larger than");
    }

    static Stream<Arguments> badModelShapes() {
        // An empty [0, 8] tensor is a legal shape, but then the file holds the weight's 32 bytes too many.
        return Stream.of(Arguments.of("[1.5, 8]", "[1.5,8]", "tensor 0.weight"),
                Arguments.of("[65536, 65536, 65536, 65536]", "[65536,65536,65536,65536]", "tensor 0.weight"),
                Arguments.of("[0, 8]", "[0,8]", "32 bytes more than its tensors take"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badModelShapes")
    void a_netdsl_model_file_with_an_impossible_shape_is_refused_naming_the_file(String shape, String json, String problem)
            throws IOException {
        Path file = dir.resolve("model.netdsl");
        try (Model m = Net.sequential(linear(2, 4), tanh(), linear(4, 1)).mse().sgd(0.1).build()) {
            m.saveAll(file);
        }
        // The model file's body: the JSON description's length, the description, the values; then a CRC32.
        byte[] all = Files.readAllBytes(file);
        ByteBuffer body = ByteBuffer.wrap(all, 12, all.length - 20);
        byte[] header = new byte[body.getInt()];
        body.get(header);
        byte[] values = new byte[body.remaining()];
        body.get(values);
        String original = new String(header, UTF_8);
        assertThat(original).contains("\"shape\":[4,2]");
        String patched = original.replaceFirst(java.util.regex.Pattern.quote("\"shape\":[4,2]"), "\"shape\":" + json);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.write(all, 0, 12);
        out.writeInt(patched.getBytes(UTF_8).length);
        out.write(patched.getBytes(UTF_8));
        out.write(values);
        CRC32 crc = new CRC32();
        crc.update(bytes.toByteArray());
        out.writeLong(crc.getValue());
        Files.write(file, bytes.toByteArray());
        Throwable thrown = catchThrowable(() -> Model.open(file).close());
        assertThat(thrown).isExactlyInstanceOf(IllegalArgumentException.class).hasMessageContaining(file.toString())
                .hasMessageContaining(problem);
    }

    /** Writes a body. */
    interface Body {
        void write(DataOutputStream out) throws IOException;
    }

    /** A NetDSL weights file: magic NETDSLW, version 1, {@code body}, a correct CRC32. */
    Path netdslWeights(String name, Body body) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.write("NETDSLW\0".getBytes(US_ASCII));
        out.writeInt(1);
        body.write(out);
        CRC32 crc = new CRC32();
        crc.update(bytes.toByteArray());
        out.writeLong(crc.getValue());
        Path file = dir.resolve(name);
        Files.write(file, bytes.toByteArray());
        return file;
    }

    // ---- safetensors ---------------------------------------------------------------------------------------------

    /** A safetensors file: the 8-byte header length, {@code header}, {@code data}. */
    Path safetensors(String name, byte[] header, byte[] data) throws IOException {
        Path file = dir.resolve(name);
        ByteBuffer b = ByteBuffer.allocate(8 + header.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(header.length).put(header).put(data);
        Files.write(file, b.array());
        return file;
    }

    Path safetensors(String name, String header, byte[] data) throws IOException {
        return safetensors(name, header.getBytes(UTF_8), data);
    }

    static Stream<Arguments> badSafetensors() {
        String f32 = "{\"dtype\":\"F32\",";
        return Stream.of(
                Arguments.of("overlapping", "{\"a\":" + f32 + "\"shape\":[2],\"data_offsets\":[0,8]},\"b\":" + f32
                        + "\"shape\":[2],\"data_offsets\":[0,8]}}", "overlap"),
                Arguments.of("overlapping-partly", "{\"a\":" + f32 + "\"shape\":[2],\"data_offsets\":[0,8]},\"b\":" + f32
                        + "\"shape\":[1],\"data_offsets\":[4,8]}}", "overlap"),
                Arguments.of("gap", "{\"a\":" + f32 + "\"shape\":[1],\"data_offsets\":[4,8]}}", "bytes 0 to 4"),
                Arguments.of("trailing", "{\"a\":" + f32 + "\"shape\":[1],\"data_offsets\":[0,4]}}", "bytes 4 to 8"),
                Arguments.of("fractional-shape", "{\"a\":" + f32 + "\"shape\":[1.9,2.5],\"data_offsets\":[0,8]}}", "1.9"),
                Arguments.of("fractional-offset", "{\"a\":" + f32 + "\"shape\":[2],\"data_offsets\":[0,8.5]}}", "8.5"),
                Arguments.of("huge-offset", "{\"a\":" + f32 + "\"shape\":[2],\"data_offsets\":[0,18446744073709551624]}}",
                        "18446744073709551624"),
                Arguments.of("overflowing-shape", "{\"a\":" + f32 + "\"shape\":[65536,65536,65536,65536],\"data_offsets\":[0,8]}}",
                        "[65536, 65536, 65536, 65536]"),
                Arguments.of("duplicate-name", "{\"a\":" + f32 + "\"shape\":[1],\"data_offsets\":[0,4]},\"a\":" + f32
                        + "\"shape\":[1],\"data_offsets\":[4,8]}}", "names tensor \"a\" twice"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badSafetensors")
    void safetensors_headers_the_reference_loader_refuses_are_refused(String name, String header, String problem)
            throws IOException {
        assertRefused(safetensors(name + ".safetensors", header, floats(7, 8)), problem);
    }

    @Test
    void two_non_utf8_safetensors_names_are_refused_not_collapsed_into_one() throws IOException {
        ByteArrayOutputStream h = new ByteArrayOutputStream();
        h.writeBytes("{\"".getBytes(US_ASCII));
        h.write(0xff);
        h.writeBytes("\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},\"".getBytes(US_ASCII));
        h.write(0xfe);
        h.writeBytes("\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}".getBytes(US_ASCII));
        assertRefused(safetensors("latin.safetensors", h.toByteArray(), floats(7, 8)), "UTF-8", "byte 2");
    }

    // ---- empty tensors are values ---------------------------------------------------------------------------------

    @Test
    void a_torch_save_dict_with_empty_tensors_reads_them_as_empty() {
        Path file = PyTorchInteropTest.fixture("sequential-with-empty.pth");
        Map<String, List<Integer>> shapes = new LinkedHashMap<>();
        for (Parameter p : TensorFiles.read(file)) {
            shapes.put(p.name(), p.shape());
        }
        assertThat(shapes).containsExactly(Map.entry("0.weight", List.of(4, 2)), Map.entry("0.bias", List.of(4)),
                Map.entry("2.weight", List.of(1, 4)), Map.entry("2.bias", List.of(1)), Map.entry("empty", List.of(0)),
                Map.entry("empty2d", List.of(2, 0)), Map.entry("tail", List.of(0)));
    }

    @Test
    void non_strict_loading_skips_empty_tensors_the_model_does_not_have_and_strict_loading_names_them() {
        Path file = PyTorchInteropTest.fixture("sequential-with-empty.pth");
        try (Model m = Net.sequential(linear(2, 4), tanh(), linear(4, 1)).seed(3).build()) {
            List<Parameter> before = m.parameters();
            Throwable strict = catchThrowable(() -> m.load(file));
            assertThat(strict).isInstanceOf(IllegalArgumentException.class).hasMessageContaining(file.toString())
                    .hasMessageContaining("empty [0] is not a parameter of this model").hasMessageContaining("nonStrict()");
            assertThat(m.parameters()).usingRecursiveComparison().isEqualTo(before);

            LoadResult r = m.load(file, LoadOptions.nonStrict());
            assertThat(r.loaded()).containsExactly("0.weight", "0.bias", "2.weight", "2.bias");
            assertThat(r.unexpected()).containsExactly("empty [0]", "empty2d [2, 0]", "tail [0]");
            assertThat(m.parameters().get(0).values()).containsExactly(new float[] {0f, 0.1f, 0.2f, 0.3f, 0.4f, 0.5f, 0.6f, 0.7f},
                    within(1e-6f));
        }
    }

    @Test
    void an_empty_safetensors_tensor_reads_as_empty() throws IOException {
        Path file = safetensors("empty.safetensors", "{\"a\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[0,0]},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}", floats(7, 8));
        List<Parameter> read = TensorFiles.read(file);
        assertThat(read.get(0).shape()).containsExactly(0);
        assertThat(read.get(1).values()).containsExactly(7, 8);
    }
}
