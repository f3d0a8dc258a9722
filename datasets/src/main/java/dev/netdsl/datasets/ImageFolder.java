package dev.netdsl.datasets;

import dev.netdsl.Dataset;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.stream.Stream;
import javax.imageio.ImageIO;

/**
 * A folder of images in one sub-folder per class, torchvision's {@code ImageFolder} layout
 * ({@code root/cat/001.png}, {@code root/dog/xyz.jpg}): classes are the sub-folders in name order, images
 * (PNG, JPEG, GIF, BMP) are resized to a given size and scaled to [0, 1] like {@code ToTensor()}, as
 * {@code [n, channels, height, width]} examples with their class labels and names.
 *
 * <pre>{@code
 * ImageFolder pets = ImageFolder.load(Path.of("pets"), 3, 64, 64);   // pets/cat/*.png, pets/dog/*.jpg
 * Dataset images = pets.dataset();                                   // labels 0 (cat) and 1 (dog)
 * }</pre>
 */
public final class ImageFolder {
    private static final List<String> EXTENSIONS = List.of(".png", ".jpg", ".jpeg", ".gif", ".bmp");
    private final Dataset dataset;
    private final List<String> classes;
    private final List<Path> files;

    private ImageFolder(Dataset dataset, List<String> classes, List<Path> files) {
        this.dataset = dataset;
        this.classes = classes;
        this.files = files;
    }

    /**
     * Loads every image under {@code root}'s class folders, resized to {@code height} x {@code width}
     * (bilinear), as {@code channels} = 1 (grey) or 3 (RGB).
     *
     * @throws IllegalArgumentException if {@code root} has no class folders or no images, or an image
     *     can't be read (naming every such file)
     */
    public static ImageFolder load(Path root, int channels, int height, int width) {
        Objects.requireNonNull(root, "root");
        if (channels != 1 && channels != 3 || height < 1 || width < 1) {
            throw new IllegalArgumentException("ImageFolder.load: channels must be 1 or 3 and the size at least 1x1, got "
                    + channels + " x " + height + " x " + width);
        }
        if (!Files.isDirectory(root)) {
            throw new IllegalArgumentException("ImageFolder.load: " + (Files.exists(root) ? root + " is a file, not a directory"
                    : "no such directory: " + root + (root.isAbsolute() ? "" : " (relative to " + Path.of("").toAbsolutePath() + ")"))
                    + "; pass a folder with one sub-folder of images per class");
        }
        List<Path> classDirs = list(root).filter(Files::isDirectory).sorted().toList();
        if (classDirs.isEmpty()) {
            throw new IllegalArgumentException("ImageFolder.load: " + root + " has no sub-folders; put each class's images in a"
                    + " folder of its own, e.g. " + root.resolve("cat") + "/001.png");
        }
        List<String> classes = new ArrayList<>();
        List<Path> files = new ArrayList<>();
        List<Integer> labels = new ArrayList<>();
        for (int c = 0; c < classDirs.size(); c++) {
            classes.add(classDirs.get(c).getFileName().toString());
            for (Path f : list(classDirs.get(c)).filter(ImageFolder::isImage).sorted().toList()) {
                files.add(f);
                labels.add(c);
            }
        }
        if (files.isEmpty()) {
            throw new IllegalArgumentException("ImageFolder.load: no images (" + String.join(", ", EXTENSIONS) + ") in the class"
                    + " folders of " + root);
        }
        int per = channels * height * width;
        float[] pixels = new float[files.size() * per];
        List<String> bad = new ArrayList<>();
        for (int i = 0; i < files.size(); i++) {
            String problem = read(files.get(i), channels, height, width, pixels, i * per);
            if (problem != null) {
                bad.add(files.get(i) + " (" + problem + ")");
            }
        }
        if (!bad.isEmpty()) {
            throw new IllegalArgumentException("ImageFolder.load: " + bad.size() + " image(s) can't be read: "
                    + String.join("; ", bad.subList(0, Math.min(10, bad.size()))) + (bad.size() > 10 ? "; ..." : "")
                    + "; remove or replace them");
        }
        int[] y = labels.stream().mapToInt(Integer::intValue).toArray();
        return new ImageFolder(Dataset.of(pixels, y, channels, height, width).withClassNames(classes), List.copyOf(classes),
                List.copyOf(files));
    }

    private static boolean isImage(Path p) {
        String name = p.getFileName().toString().toLowerCase(Locale.ROOT);
        return Files.isRegularFile(p) && EXTENSIONS.stream().anyMatch(name::endsWith);
    }

    private static Stream<Path> list(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.toList().stream();
        } catch (IOException e) {
            throw new UncheckedIOException("ImageFolder.load: can't list " + dir + ": " + e.getMessage(), e);
        }
    }

    /** Decodes, resizes and writes one image at {@code offset}; returns what went wrong, or null. */
    private static String read(Path file, int channels, int height, int width, float[] out, int offset) {
        BufferedImage image;
        try {
            image = ImageIO.read(file.toFile());
        } catch (IOException | RuntimeException e) {
            return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        }
        if (image == null) {
            return "not a readable image";
        }
        BufferedImage scaled = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = scaled.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        g.drawImage(image, 0, 0, width, height, null);
        g.dispose();
        int plane = height * width;
        for (int yy = 0; yy < height; yy++) {
            for (int xx = 0; xx < width; xx++) {
                int rgb = scaled.getRGB(xx, yy);
                float r = ((rgb >> 16) & 0xff) / 255f;
                float gr = ((rgb >> 8) & 0xff) / 255f;
                float b = (rgb & 0xff) / 255f;
                int at = yy * width + xx;
                if (channels == 1) {
                    // ITU-R 601-2 luma, as PIL's convert("L") computes it.
                    out[offset + at] = r * 0.299f + gr * 0.587f + b * 0.114f;
                } else {
                    out[offset + at] = r;
                    out[offset + plane + at] = gr;
                    out[offset + 2 * plane + at] = b;
                }
            }
        }
        return null;
    }

    /** The images and their labels, {@code [n, channels, height, width]}, with the {@link #classNames()}. */
    public Dataset dataset() {
        return dataset;
    }

    /** The class names (the sub-folders, in name order); label {@code i} is {@code classNames().get(i)}. */
    public List<String> classNames() {
        return classes;
    }

    /** The same as {@link #classNames()}, the name torchvision's {@code ImageFolder} gives them. */
    public List<String> classes() {
        return classes;
    }

    /** The image files, in the order of {@link #dataset()}'s examples. */
    public List<Path> files() {
        return files;
    }
}
