package dev.netdsl.datasets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.netdsl.Dataset;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MnistTest {

    private static Idx.Images images(int count) {
        byte[] pixels = new byte[count * 28 * 28];
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = (byte) (i * 7);
        }
        return new Idx.Images(count, 28, 28, pixels);
    }

    private static void writeSet(Path dir, int train, int test, boolean gzip) {
        String ext = gzip ? ".gz" : "";
        Idx.writeImages(dir.resolve("train-images-idx3-ubyte" + ext), images(train), gzip);
        Idx.writeLabels(dir.resolve("train-labels-idx1-ubyte" + ext), labels(train), gzip);
        Idx.writeImages(dir.resolve("t10k-images-idx3-ubyte" + ext), images(test), gzip);
        Idx.writeLabels(dir.resolve("t10k-labels-idx1-ubyte" + ext), labels(test), gzip);
    }

    private static int[] labels(int n) {
        int[] l = new int[n];
        Arrays.setAll(l, i -> i % 10);
        return l;
    }

    @Test
    void idx_files_round_trip_plain_and_gzipped(@TempDir Path dir) {
        Idx.Images img = images(3);
        Idx.writeImages(dir.resolve("a"), img, false);
        Idx.writeImages(dir.resolve("b.gz"), img, true);
        Idx.writeLabels(dir.resolve("l.gz"), new int[] {7, 0, 255}, true);

        assertThat(Idx.readImages(dir.resolve("a")).pixels()).isEqualTo(img.pixels());
        assertThat(Idx.readImages(dir.resolve("b.gz")).pixels()).isEqualTo(img.pixels());
        assertThat(Idx.readImages(dir.resolve("b.gz")).count()).isEqualTo(3);
        assertThat(Idx.readLabels(dir.resolve("l.gz"))).containsExactly(7, 0, 255);
    }

    @Test
    void a_bad_magic_number_is_named(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("images");
        Files.write(f, ByteBuffer.allocate(16 + 784).putInt(0x12345678).putInt(1).putInt(28).putInt(28).array());

        assertThatThrownBy(() -> Idx.readImages(f)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(f.toString()).hasMessageContaining("magic number 0x12345678, not 0x00000803");
    }

    @Test
    void a_label_file_read_as_images_says_so(@TempDir Path dir) {
        Path f = dir.resolve("labels");
        Idx.writeLabels(f, new int[] {1, 2}, false);

        assertThatThrownBy(() -> Idx.readImages(f)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("is a label file (magic 0x801), not an image file");
    }

    @Test
    void a_truncated_body_reports_declared_and_found_sizes(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("images");
        Idx.writeImages(f, images(2), false);
        byte[] all = Files.readAllBytes(f);
        Files.write(f, Arrays.copyOf(all, all.length - 100));

        assertThatThrownBy(() -> Idx.readImages(f)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("is truncated: the header declares 2 images of 28x28 (1568 bytes) but only 1468 bytes follow");
    }

    @Test
    void a_wrong_count_leaves_extra_bytes_that_are_reported(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("labels");
        Files.write(f, ByteBuffer.allocate(8 + 5).putInt(0x801).putInt(3).put(new byte[5]).array());

        assertThatThrownBy(() -> Idx.readLabels(f)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("has 2 unexpected bytes after the 3 labels its header declares");
    }

    @Test
    void a_truncated_gzip_stream_is_reported(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("images.gz");
        Idx.writeImages(f, images(50), true);
        byte[] all = Files.readAllBytes(f);
        Files.write(f, Arrays.copyOf(all, all.length / 2));

        assertThatThrownBy(() -> Idx.readImages(f)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(f.toString()).hasMessageContaining("truncated gzip stream");
    }

    @Test
    void image_and_label_counts_must_agree(@TempDir Path dir) {
        writeSet(dir, 5, 3, true);
        Idx.writeLabels(dir.resolve("train-labels-idx1-ubyte.gz"), labels(4), true);

        assertThatThrownBy(() -> Mnist.load(dir, Mnist.Kind.MNIST)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("train has 5 images but 4 labels");
    }

    @Test
    void a_missing_file_is_named_with_what_the_directory_should_hold(@TempDir Path dir) throws Exception {
        writeSet(dir, 5, 3, false);
        Files.delete(dir.resolve("t10k-labels-idx1-ubyte"));

        assertThatThrownBy(() -> Mnist.load(dir, Mnist.Kind.MNIST)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no t10k-labels-idx1-ubyte[.gz] in " + dir);
    }

    @Test
    void a_missing_directory_is_reported_as_such_not_as_a_missing_file(@TempDir Path tmp) throws Exception {
        Path none = tmp.resolve("nonexistent");
        Path file = Files.writeString(tmp.resolve("a-file"), "");

        // --data-dir reaches load through find, as ./netdsl mnist --data-dir /nonexistent does.
        assertThatThrownBy(() -> Mnist.find(Mnist.Kind.MNIST, none, Map.of(), tmp, false, s -> { }))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("no such directory: " + none + "; give the mnist directory that holds"
                        + " train-images-idx3-ubyte.gz,");
        assertThatThrownBy(() -> Mnist.fashion(none)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("no such directory: " + none + "; give the fashion-mnist directory");
        assertThatThrownBy(() -> Mnist.load(file)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(file + " is a file, not a directory");
        assertThatThrownBy(() -> Mnist.load(Path.of("no-such-dir-here"))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("no such directory: no-such-dir-here (relative to " + Path.of("").toAbsolutePath() + ")");
    }

    @Test
    void load_and_fashion_of_a_directory_are_the_long_forms_with_their_kind(@TempDir Path dir) {
        writeSet(dir, 5, 3, true);

        Mnist digits = Mnist.load(dir);
        Mnist clothes = Mnist.fashion(dir);

        assertThat(digits.kind()).isEqualTo(Mnist.Kind.MNIST);
        assertThat(digits.trainSize()).isEqualTo(5);
        assertThat(clothes.kind()).isEqualTo(Mnist.Kind.FASHION);
        assertThat(clothes.source()).isEqualTo("fashion-mnist in " + dir);
        assertThat(digits.train().classNames()).containsExactly("0", "1", "2", "3", "4", "5", "6", "7", "8", "9");
        assertThat(clothes.test().classNames()).hasSize(10).startsWith("T-shirt/top", "Trouser").endsWith("Ankle boot");
        assertThat(clothes.train().reshape(784).take(2).classNames()).isEqualTo(clothes.classNames());
    }

    /**
     * Puts the embedded sample's files in {@code home}'s cache, where {@code ./netdsl mnist} would have
     * downloaded them, and makes {@code home} the user's home until {@code run} ends: {@code Mnist.load()}
     * then finds them there without touching the network.
     */
    static void withMnistInTheCache(Path home, ThrowingRunnable run) throws Exception {
        Path cache = Files.createDirectories(home.resolve(".netdsl/datasets/mnist"));
        for (String f : new String[] {"train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte",
            "t10k-labels-idx1-ubyte"}) {
            try (var in = Mnist.class.getResourceAsStream("mnist-sample/" + f + ".gz")) {
                Files.write(cache.resolve(f + ".gz"), in.readAllBytes());
            }
        }
        String was = System.getProperty("user.home");
        System.setProperty("user.home", home.toString());
        try {
            run.run();
        } finally {
            System.setProperty("user.home", was);
        }
    }

    /** A test's body. */
    interface ThrowingRunnable {
        void run() throws Exception;
    }

    @Test
    void load_finds_the_data_as_the_cli_does_here_in_the_cache_under_user_home(@TempDir Path home) throws Exception {
        Path cache = home.resolve(".netdsl/datasets/mnist");
        withMnistInTheCache(home, () -> {
            Mnist m = Mnist.load();
            // NETDSL_DATA, if this machine sets it, comes first, as for the CLI; else the cache above.
            if (System.getenv("NETDSL_DATA") == null) {
                assertThat(m.source()).isEqualTo("mnist in " + cache);
                assertThat(m.trainSize()).isEqualTo(8000);
            }
            assertThat(m.kind()).isEqualTo(Mnist.Kind.MNIST);
        });
    }

    @Test
    void loads_normalised_like_the_tutorial(@TempDir Path dir) {
        writeSet(dir, 5, 3, true);

        Mnist m = Mnist.load(dir, Mnist.Kind.MNIST);
        Dataset train = m.train();

        assertThat(train.size()).isEqualTo(5);
        assertThat(train.features()).isEqualTo(784);
        assertThat(train.exampleShape()).containsExactly(1, 28, 28);
        assertThat(train.reshape(784).exampleShape()).containsExactly(784);
        assertThat(train.labels()).containsExactly(0, 1, 2, 3, 4);
        assertThat(train.x()[0][1]).isEqualTo(((7 & 0xff) / 255f - 0.1307f) / 0.3081f);
        assertThat(m.test().size()).isEqualTo(3);
    }

    @Test
    void the_embedded_sample_holds_ten_thousand_real_digits() {
        Mnist m = Mnist.embedded();

        assertThat(m.trainSize()).isEqualTo(8000);
        assertThat(m.testSize()).isEqualTo(2000);
        int[] counts = new int[10];
        for (int l : m.testLabels()) {
            counts[l]++;
        }
        assertThat(Arrays.stream(counts).min().getAsInt()).isGreaterThanOrEqualTo(150);
        assertThat(Arrays.stream(counts).max().getAsInt()).isLessThanOrEqualTo(260);
        // Real digits: most pixels are background, a minority are ink.
        long ink = 0;
        for (byte b : m.testImages().pixels()) {
            ink += (b & 0xff) > 128 ? 1 : 0;
        }
        assertThat(ink / (double) m.testImages().pixels().length).isBetween(0.05, 0.3);
    }

    @Test
    void find_prefers_the_explicit_directory_then_netdsl_data_then_the_cache(@TempDir Path tmp) throws Exception {
        Path explicit = Files.createDirectories(tmp.resolve("explicit"));
        Path env = Files.createDirectories(tmp.resolve("env/mnist"));
        Path home = tmp.resolve("home");
        Path cache = Files.createDirectories(home.resolve(".netdsl/datasets/mnist"));
        writeSet(explicit, 3, 2, true);
        writeSet(env, 4, 2, true);
        writeSet(cache, 5, 2, true);
        List<String> log = new ArrayList<>();

        assertThat(Mnist.find(Mnist.Kind.MNIST, explicit, Map.of("NETDSL_DATA", tmp.resolve("env").toString()), home, false, log::add)
                .trainSize()).isEqualTo(3);
        assertThat(Mnist.find(Mnist.Kind.MNIST, null, Map.of("NETDSL_DATA", tmp.resolve("env").toString()), home, false, log::add)
                .trainSize()).isEqualTo(4);
        assertThat(Mnist.find(Mnist.Kind.MNIST, null, Map.of(), home, false, log::add).trainSize()).isEqualTo(5);
        assertThat(Mnist.find(Mnist.Kind.MNIST, null, Map.of(), tmp.resolve("nobody"), false, log::add).source())
                .contains("embedded");
    }

    @Test
    void shuffled_batches_are_reproducible_per_seed_and_epoch() {
        Dataset d = Dataset.of(new float[100], 1, new int[100]);
        Batches a = Batches.of(d, 30).shuffle(7);
        Batches b = Batches.of(d, 30).shuffle(7);

        assertThat(a.order(0)).containsExactly(b.order(0));
        assertThat(a.order(0)).isNotEqualTo(a.order(1));
        assertThat(a.order(0)).isNotEqualTo(Batches.of(d, 30).shuffle(8).order(0));
        assertThat(a.count()).isEqualTo(4);
        assertThat(a.epoch(0)).extracting(Dataset::size).containsExactly(30, 30, 30, 10);
        int[] sorted = a.order(3).clone();
        Arrays.sort(sorted);
        assertThat(sorted).containsExactly(Batches.of(d, 30).order(0));
    }
}
