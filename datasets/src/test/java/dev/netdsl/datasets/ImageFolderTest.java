package dev.netdsl.datasets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.netdsl.Dataset;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageFolderTest {

    private static void image(Path file, Color color, int size, String format) throws Exception {
        BufferedImage img = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setColor(color);
        g.fillRect(0, 0, size, size);
        g.dispose();
        Files.createDirectories(file.getParent());
        ImageIO.write(img, format, file.toFile());
    }

    @Test
    void loads_class_folders_resized_and_scaled_like_torchvision(@TempDir Path root) throws Exception {
        image(root.resolve("red/a.png"), Color.RED, 10, "png");
        image(root.resolve("red/b.jpg"), Color.RED, 7, "jpg");
        image(root.resolve("blue/c.png"), Color.BLUE, 4, "png");
        Files.writeString(root.resolve("blue/notes.txt"), "not an image, ignored");

        ImageFolder rgb = ImageFolder.load(root, 3, 5, 6);
        Dataset d = rgb.dataset();

        assertThat(rgb.classNames()).containsExactly("blue", "red");
        assertThat(rgb.classes()).isEqualTo(rgb.classNames());
        assertThat(rgb.dataset().classNames()).isEqualTo(rgb.classNames());
        assertThat(d.size()).isEqualTo(3);
        assertThat(d.exampleShape()).containsExactly(3, 5, 6);
        assertThat(d.labels()).containsExactly(0, 1, 1);
        float[][] x = d.x();
        // blue image: channel 2 is 1, channels 0 and 1 are 0; red PNG: channel 0 is 1
        assertThat(x[0][2 * 30 + 7]).isEqualTo(1f);
        assertThat(x[0][7]).isEqualTo(0f);
        assertThat(x[1][3]).isEqualTo(1f);
        assertThat(x[2][3]).isCloseTo(1f, within(0.05f)); // JPEG rounds
        ImageFolder grey = ImageFolder.load(root, 1, 5, 5);
        assertThat(grey.dataset().exampleShape()).containsExactly(1, 5, 5);
        assertThat(grey.dataset().x()[0][0]).isCloseTo(0.114f, within(1e-3f));
    }

    @Test
    void a_broken_image_is_named_with_its_problem(@TempDir Path root) throws Exception {
        image(root.resolve("a/good.png"), Color.GREEN, 4, "png");
        Files.writeString(root.resolve("a/broken.png"), "these bytes are not a PNG");

        assertThatThrownBy(() -> ImageFolder.load(root, 1, 4, 4)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("1 image(s) can't be read").hasMessageContaining("broken.png");
        assertThatThrownBy(() -> ImageFolder.load(root.resolve("a"), 1, 4, 4)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("has no sub-folders");
    }

    @Test
    void a_missing_folder_is_reported_as_such(@TempDir Path tmp) throws Exception {
        assertThatThrownBy(() -> ImageFolder.load(tmp.resolve("pets"), 3, 8, 8)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("ImageFolder.load: no such directory: " + tmp.resolve("pets") + "; pass a folder with one sub-folder"
                        + " of images per class");
        Path file = Files.writeString(tmp.resolve("a.png"), "");
        assertThatThrownBy(() -> ImageFolder.load(file, 3, 8, 8)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("ImageFolder.load: " + file + " is a file, not a directory");
    }
}
