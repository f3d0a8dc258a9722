package dev.netdsl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.netdsl.training.Optimizer;
import dev.netdsl.training.Optimizers;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Momentum, Nesterov, weight decay, AdamW and gradient clipping against what PyTorch 1.13 itself did on
 * the same net, data and starting weights (dsl/src/test/python/training_fixtures.py wrote the numbers):
 * eight full-batch steps each, and each option changes the result far more than the tolerance.
 */
class OptimizerOptionsTest {
    static final JsonNode FIXTURE = read("/pytorch/training.json");

    static JsonNode read(String resource) {
        try (InputStream in = OptimizerOptionsTest.class.getResourceAsStream(resource)) {
            return new ObjectMapper().readTree(in);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static float[][] matrix(JsonNode rows) {
        float[][] m = new float[rows.size()][];
        for (int i = 0; i < m.length; i++) {
            m[i] = new float[rows.get(i).size()];
            for (int j = 0; j < m[i].length; j++) {
                m[i][j] = rows.get(i).get(j).floatValue();
            }
        }
        return m;
    }

    static List<Parameter> parameters(JsonNode byName) {
        List<Parameter> out = new ArrayList<>();
        for (Map.Entry<String, JsonNode> e : (Iterable<Map.Entry<String, JsonNode>>) byName::fields) {
            JsonNode v = e.getValue().has("values") ? e.getValue().get("values") : e.getValue();
            float[] values = new float[v.size()];
            for (int i = 0; i < values.length; i++) {
                values[i] = v.get(i).floatValue();
            }
            List<Integer> shape = new ArrayList<>();
            e.getValue().path("shape").forEach(d -> shape.add(d.intValue()));
            out.add(new Parameter(e.getKey(), shape.isEmpty() ? List.of(values.length) : shape, values));
        }
        return out;
    }

    /** The fixture's case, the optimizer that should do the same, and the case without the option. */
    static Stream<Arguments> cases() {
        return Stream.of(
                Arguments.of("sgd_nesterov", Optimizers.sgd(0.05).momentum(0.9).nesterov(), "sgd_momentum"),
                Arguments.of("sgd_momentum_weight_decay", Optimizers.sgd(0.05).momentum(0.9).weightDecay(0.1), "sgd_momentum"),
                Arguments.of("sgd_momentum", Optimizers.sgd(0.05, 0.9), "sgd"),
                Arguments.of("adam_weight_decay", Optimizers.adam(0.05).weightDecay(0.5), "adam"),
                Arguments.of("adamw", Optimizers.adamW(0.05, 0.5), "adam_weight_decay"),
                Arguments.of("sgd_clip_norm", Optimizers.sgd(0.05).clipGradNorm(0.5), "sgd"),
                Arguments.of("sgd_clip_value", Optimizers.sgd(0.05).clipGradValue(0.1), "sgd"),
                Arguments.of("adam_clip_norm_weight_decay", Optimizers.adam(0.05).weightDecay(0.5).clipGradNorm(0.5),
                        "adam_weight_decay"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void eight_steps_match_pytorch_and_the_option_matters(String name, Optimizer optimizer, String without) {
        Dataset data = Dataset.of(matrix(FIXTURE.get("x")), matrix(FIXTURE.get("y")));
        JsonNode expected = FIXTURE.get("optimizers").get(name);
        try (Model model = Net.of(3, 4, 2).tanh().mse().optimizer(optimizer).build().progress(false)) {
            model.setParameters(parameters(FIXTURE.get("start")));
            History h = model.fit(data, 8);
            for (int i = 0; i < 8; i++) {
                assertThat((double) h.losses()[i]).as("loss of step %d", i + 1)
                        .isCloseTo(expected.get("losses").get(i).doubleValue(), org.assertj.core.api.Assertions.within(1e-4));
            }
            List<Parameter> want = parameters(expected.get("parameters"));
            List<Parameter> other = parameters(FIXTURE.get("optimizers").get(without).get("parameters"));
            List<Parameter> got = model.parameters();
            double error = 0;
            double effect = 0;
            for (int p = 0; p < got.size(); p++) {
                assertThat(got.get(p).name()).isEqualTo(want.get(p).name());
                float[] g = got.get(p).values();
                float[] w = want.get(p).values();
                float[] o = other.get(p).values();
                for (int i = 0; i < g.length; i++) {
                    error = Math.max(error, Math.abs(g[i] - w[i]));
                    effect = Math.max(effect, Math.abs(w[i] - o[i]));
                }
            }
            System.out.printf("%s: largest difference from PyTorch %.2e, the option's effect %.2e%n", name, error, effect);
            assertThat(error).as("largest difference from PyTorch's parameters").isLessThan(2e-5);
            assertThat(effect).as("largest difference the option makes (vs %s)", without).isGreaterThan(1e-3);
        }
    }

    @org.junit.jupiter.api.Test
    void options_check_their_values_and_print_as_pytorch_and_as_code() {
        assertThatThrownBy(() -> Optimizers.sgd(0.1).nesterov()).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(".momentum(0.9) before .nesterov()");
        assertThatThrownBy(() -> Optimizers.adam(0.1).weightDecay(-1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("weightDecay(-1.0)");
        assertThatThrownBy(() -> Optimizers.sgd(0.1).clipGradNorm(Double.NaN)).isInstanceOf(IllegalArgumentException.class);
        Optimizer o = Optimizers.sgd(0.1).momentum(0.9).nesterov().weightDecay(5e-4).clipGradNorm(1);
        assertThat(o).hasToString("SGD(lr=0.1, momentum=0.9, nesterov=True, weight_decay=5.0E-4, clip_grad_norm=1.0)");
        Net net = Net.of(2, 1).mse().optimizer(o);
        assertThat(net.toString()).contains("optimizer(Optimizers.sgd(0.1, 0.9).nesterov().weightDecay(5.0E-4).clipGradNorm(1.0))");
        assertThat(Optimizers.fromSettings(o.typeName(), o.settings())).isEqualTo(o);
    }
}
