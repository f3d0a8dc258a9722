package dev.netdsl.datasets;

import static org.assertj.core.api.Assertions.assertThat;

import dev.netdsl.Dataset;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.MessageDigest;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** Reference values computed once with NumPy 2.4 (np.random.seed(1), the tutorial's loop); NumPy is not needed to run this. */
class PlanarFlowerTest {

    @Test
    void numpy_random_state_draws_match_numpy() {
        NumpyRandom r = new NumpyRandom(1);

        assertThat(r.randn()).isEqualTo(1.6243453636632417);
        assertThat(r.randn()).isEqualTo(-0.6117564136500754);
        assertThat(r.randn()).isEqualTo(-0.5281717522634557);
        assertThat(r.randomSample()).isEqualTo(0.39676747423066994);
    }

    @Test
    void the_first_points_match_numpy_to_the_last_bit() {
        double[][] x = PlanarFlower.points(400, 1);

        assertThat(x[0][0]).isEqualTo(Double.parseDouble("0x1.3456547f26cd9p+0"));
        assertThat(x[0][1]).isEqualTo(Double.parseDouble("0x1.c9be1bc07cf70p+1"));
        assertThat(x[1][0]).isEqualTo(Double.parseDouble("0x1.4509b2b9403e1p-3"));
        assertThat(x[1][1]).isEqualTo(Double.parseDouble("-0x1.7b6f8d582a37cp+0"));
        assertThat(x[2][0]).isEqualTo(Double.parseDouble("0x1.8621ec80c8f70p-4"));
        assertThat(x[2][1]).isEqualTo(Double.parseDouble("-0x1.47ab27009c82dp+0"));
    }

    @Test
    void the_whole_data_set_matches_numpys_checksums() throws Exception {
        double[][] x = PlanarFlower.points(400, 1);
        ByteBuffer f64 = ByteBuffer.allocate(400 * 2 * 8).order(ByteOrder.LITTLE_ENDIAN);
        ByteBuffer f32 = ByteBuffer.allocate(400 * 2 * 4).order(ByteOrder.LITTLE_ENDIAN);
        double sum = 0;
        for (double[] row : x) {
            for (double v : row) {
                f64.putDouble(v);
                f32.putFloat((float) v);
                sum += v;
            }
        }

        assertThat(sha256(f32.array())).as("float32, what the model trains on")
                .isEqualTo("e061f4f8246315d4e8e2e38ab51b6dc5e994ba1248143ba9dc105374a4a5c973");
        // NumPy's float64 array hashes to e8effea3...; ours differs in one coordinate by one ulp
        // (x[396][1]: NumPy 0x1.c87fec6a4f36cp-1, Java 0x1.c87fec6a4f36dp-1, Math.cos vs libm cos).
        assertThat(x[396][1]).isEqualTo(Math.nextUp(Double.parseDouble("0x1.c87fec6a4f36cp-1")));
        f64.putDouble((396 * 2 + 1) * 8, Double.parseDouble("0x1.c87fec6a4f36cp-1"));
        assertThat(sha256(f64.array())).as("float64 with that one ulp put back: every other coordinate is NumPy's")
                .isEqualTo("e8effea39b3204106156a8d09817139ce232596d2b050920e59103142e23eb66");
        assertThat(sum).isEqualTo(10.087983277441666, org.assertj.core.api.Assertions.within(1e-9));
    }

    @Test
    void labels_are_two_halves_of_zeros_and_ones() {
        Dataset d = PlanarFlower.generate();

        assertThat(d.size()).isEqualTo(400);
        assertThat(d.y()[0][0]).isEqualTo(0f);
        assertThat(d.y()[199][0]).isEqualTo(0f);
        assertThat(d.y()[200][0]).isEqualTo(1f);
        assertThat(d.x()[200][0]).isEqualTo((float) -1.07049581e+00, org.assertj.core.api.Assertions.within(1e-6f));
    }

    private static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }
}
