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
        return Stream.of(Arguments.of("[1.5, 8]", "[1.5,8]"), Arguments.of("[65536, 65536, 65536, 65536]", "[65536,65536,65536,65536]"),
                Arguments.of("[0, 8]", "[0,8]"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badModelShapes")
    void a_netdsl_model_file_with_an_impossible_shape_is_refused_naming_the_file(String shape, String json) throws IOException {
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
                .hasMessageContaining("tensor 0.weight");
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
