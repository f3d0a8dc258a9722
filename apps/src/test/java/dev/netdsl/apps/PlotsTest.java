package dev.netdsl.apps;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.Color;
import java.awt.geom.Path2D;
import java.awt.geom.PathIterator;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The Java2D plots behind the Himmelblau figures: ticks, colour bands, band edges, and what lands in the image. */
class PlotsTest {

    @BeforeAll
    static void headless() {
        System.setProperty("java.awt.headless", "true");
    }

    @Test
    void ticks_are_round_and_labelled_without_needless_decimals() {
        assertThat(Canvas.ticks(-6, 6, 5)).containsExactly(-6.0, -4.0, -2.0, 0.0, 2.0, 4.0, 6.0);
        assertThat(Canvas.ticks(0, 2186, 4)).containsExactly(0.0, 500.0, 1000.0, 1500.0, 2000.0);
        assertThat(Canvas.ticks(0.013, 0.31, 4)).containsExactly(0.05, 0.1, 0.15, 0.2, 0.25, 0.3);
        assertThat(Canvas.number(2000)).isEqualTo("2,000");
        assertThat(Canvas.number(0.5)).isEqualTo("0.5");
        assertThat(Canvas.number(-4)).isEqualTo("-4");
        assertThat(Canvas.number(0.15000000000000002)).isEqualTo("0.15");
    }

    @Test
    void log_levels_go_one_two_five_and_bands_follow_them() {
        ColorScale s = ColorScale.logarithmic(0.5, 2000);

        assertThat(s.levels()).containsExactly(0, 0.5, 1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000);
        assertThat(s.band(0)).isZero();
        assertThat(s.band(0.7)).isEqualTo(1);
        assertThat(s.band(170)).isEqualTo(8);
        assertThat(s.band(2186)).isEqualTo(12).isEqualTo(s.bands() - 1);
        assertThat(s.bandColor(0)).isEqualTo(new Color(0x440154));
        assertThat(s.bandColor(12)).isEqualTo(new Color(0xfde725));
        assertThat(s.smooth(10)).isEqualTo(s.bandColor(5));
    }

    @Test
    void marching_squares_traces_a_level_of_a_cone_as_a_circle() {
        int n = 41;
        double[][] v = new double[n][n];
        for (int j = 0; j < n; j++) {
            for (int i = 0; i < n; i++) {
                v[j][i] = Math.hypot(i - 20, j - 20);
            }
        }
        Path2D.Double out = new Path2D.Double();

        ContourPlot.marchingSquares(v, 10.5, 0, 0, out);

        int points = 0;
        double[] p = new double[6];
        for (PathIterator it = out.getPathIterator(null); !it.isDone(); it.next()) {
            it.currentSegment(p);
            assertThat(Math.hypot(p[0] - 20, p[1] - 20)).isCloseTo(10.5, org.assertj.core.api.Assertions.within(0.1));
            points++;
        }
        assertThat(points).isGreaterThan(80);
    }

    @Test
    void the_paths_map_draws_each_path_in_its_colour_and_the_surface_fills_its_frame() throws Exception {
        List<float[]> path = List.of(new float[] {0, 0}, new float[] {1, 1}, new float[] {2, 1.6f}, new float[] {3, 2});
        HimmelblauExample.Run run = new HimmelblauExample.Run(new float[] {0, 0}, new float[] {3, 2}, 0f, new float[] {3, 2}, 0, 0.1,
                path);

        BufferedImage map = ImageIO.read(new ByteArrayInputStream(HimmelblauExample.paths(List.of(run), 20_000, 1e-3)));
        BufferedImage surface = ImageIO.read(new ByteArrayInputStream(HimmelblauExample.surface()));

        assertThat(map.getWidth()).isBetween(700, 1200);
        assertThat(count(map, new Color(228, 26, 28))).as("pixels of the path's red").isGreaterThan(200);
        assertThat(count(map, ColorScale.viridis(0))).as("pixels of the darkest band").isGreaterThan(20);
        assertThat(surface.getWidth()).isEqualTo(880);
        assertThat(count(surface, Color.WHITE)).as("white pixels").isLessThan(surface.getWidth() * surface.getHeight() * 3 / 4);
    }

    private static int count(BufferedImage img, Color c) {
        int n = 0;
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = 0; x < img.getWidth(); x++) {
                n += (img.getRGB(x, y) & 0xffffff) == (c.getRGB() & 0xffffff) ? 1 : 0;
            }
        }
        return n;
    }
}
