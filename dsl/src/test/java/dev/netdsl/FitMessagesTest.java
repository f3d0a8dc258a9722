package dev.netdsl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.netdsl.training.Checkpoint;
import dev.netdsl.training.EarlyStopping;
import dev.netdsl.training.Fit;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a fit says besides its epoch lines: early stopping, restored weights, a resumed fit; and a monitor's near miss. */
class FitMessagesTest {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);

    private List<String> printed() {
        List<String> lines = bytes.toString(StandardCharsets.UTF_8).lines().toList();
        bytes.reset();
        return lines;
    }

    @Test
    void early_stopping_and_restoring_the_best_weights_are_said_after_the_last_epoch_line_as_keras_says_them() {
        FitTest.Crafted curve = new FitTest.Crafted("val_loss", 5, 4, 3, 3.5, 3.2, 3.1, 3.3, 2, 1, 0.5);
        try (Model m = FitTest.classifier().build()) {
            m.fit(ModelTestData.blobs(96, 1), Fit.epochs(10).batchSize(16).printTo(out)
                    .callbacks(curve, EarlyStopping.on("val_loss").patience(3).restoreBest()));
            List<String> lines = printed();
            assertThat(lines).hasSize(8);
            assertThat(lines.get(5)).startsWith("epoch 6/10  loss ");
            assertThat(lines.subList(6, 8)).containsExactly("Epoch 6: early stopping",
                    "Restoring model weights from the end of the best epoch: 3.");
            // Quiet says nothing; a fit that was not stopped and restores nothing says nothing more than its epochs.
            m.fit(ModelTestData.blobs(96, 1), Fit.epochs(10).batchSize(16).quiet()
                    .callbacks(new FitTest.Crafted("val_loss", 5, 4, 3, 3.5, 3.2, 3.1, 3.3, 2, 1, 0.5),
                            EarlyStopping.on("val_loss").patience(3).restoreBest()).printTo(out));
            assertThat(printed()).isEmpty();
            m.fit(ModelTestData.blobs(96, 1), Fit.epochs(2).batchSize(16).printTo(out).callbacks(EarlyStopping.on("loss").patience(5)));
            assertThat(printed()).hasSize(2).allMatch(l -> l.startsWith("epoch "));
        }
    }

    @Test
    void a_resumed_fit_says_where_it_starts_or_that_it_had_nothing_left_to_do(@TempDir Path dir) {
        Dataset data = ModelTestData.blobs(64, 2);
        Path partial = dir.resolve("partial.netdsl");
        Path finished = dir.resolve("finished.netdsl");
        Path stopped = dir.resolve("stopped.netdsl");
        try (Model m = FitTest.classifier().build()) {
            m.fit(data, Fit.epochs(5).batchSize(16).quiet().callbacks(Checkpoint.every(partial), new FitTest.StopAt(2)));
        }
        try (Model m = FitTest.classifier().build()) {
            m.fit(data, Fit.epochs(3).batchSize(16).quiet().callbacks(Checkpoint.every(finished)));
        }
        FitTest.Crafted curve = new FitTest.Crafted("loss", 1, 2, 3, 4, 5, 6);
        try (Model m = FitTest.classifier().build()) {
            m.fit(data, Fit.epochs(6).batchSize(16).quiet().callbacks(curve, EarlyStopping.on("loss"), Checkpoint.every(stopped)));
        }
        try (Model m = Model.open(partial)) {
            m.fit(data, Fit.epochs(5).batchSize(16).printTo(out).resume().callbacks(Checkpoint.every(partial), new FitTest.StopAt(0)));
            List<String> lines = printed();
            assertThat(lines.get(0)).isEqualTo("Resuming at epoch 3/5.");
            assertThat(lines.subList(1, lines.size())).hasSize(3).allMatch(l -> l.matches("epoch [345]/5 .*"));
        }
        try (Model m = Model.open(finished)) {
            History h = m.fit(data, Fit.epochs(3).batchSize(16).printTo(out).resume().callbacks(Checkpoint.every(finished)));
            assertThat(printed()).containsExactly("Resumed a fit that had finished its 3 epochs: nothing left to train.");
            assertThat(h.steps()).isZero();
        }
        try (Model m = Model.open(stopped)) {
            m.fit(data, Fit.epochs(6).batchSize(16).printTo(out).resume()
                    .callbacks(new FitTest.Crafted("loss", 1, 2, 3, 4, 5, 6), EarlyStopping.on("loss"), Checkpoint.every(stopped)));
            assertThat(printed()).containsExactly("Resumed a fit that had stopped after epoch 2: nothing left to train.");
        }
    }

    @Test
    void a_monitor_missing_from_the_epochs_numbers_suggests_a_near_name_and_blames_validation_only_without_val_numbers() {
        Dataset data = ModelTestData.blobs(64, 3);
        Dataset validation = ModelTestData.blobs(32, 4);
        try (Model m = FitTest.classifier().build()) {
            assertThatThrownBy(() -> m.fit(data, Fit.epochs(2).batchSize(16).validation(validation).quiet()
                    .callbacks(EarlyStopping.on("val_acc"))))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("did you mean \"val_accuracy\"?")
                    .hasMessageNotContaining("validation set");
            assertThatThrownBy(() -> m.fit(data, Fit.epochs(2).batchSize(16).validation(validation).quiet()
                    .callbacks(EarlyStopping.on("val_los").mode(dev.netdsl.training.Mode.MIN))))
                    .hasMessageContaining("did you mean \"val_loss\"?");
            assertThatThrownBy(() -> m.fit(data, Fit.epochs(2).batchSize(16).quiet().callbacks(EarlyStopping.on("acc"))))
                    .hasMessageContaining("did you mean \"accuracy\"?");
            assertThatThrownBy(() -> m.fit(data, Fit.epochs(2).batchSize(16).quiet().callbacks(EarlyStopping.on("val_acc"))))
                    .hasMessageContaining("give fit a validation set").hasMessageNotContaining("did you mean");
            assertThatThrownBy(() -> m.fit(data, Fit.epochs(2).batchSize(16).validation(validation).quiet()
                    .callbacks(EarlyStopping.on("val_mae").mode(dev.netdsl.training.Mode.MIN))))
                    .hasMessage("EarlyStopping.on(\"val_mae\"): the epoch's numbers are [loss, accuracy, val_loss, val_accuracy, lr,"
                            + " seconds]");
        }
    }
}
