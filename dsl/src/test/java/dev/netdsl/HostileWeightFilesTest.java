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

    /** Little-endian float32 bytes. */
    static byte[] floats(float... values) {
        ByteBuffer b = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(values);
        return b.array();
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
