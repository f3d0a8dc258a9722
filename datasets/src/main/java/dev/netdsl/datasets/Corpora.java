package dev.netdsl.datasets;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Small real data sets shipped in this jar for the sequence examples, so they run offline: quotes from
 * Debian's {@code fortunes} files with the file each comes from, and the Mauna Loa CO2 record (see
 * {@code SOURCES.md} beside them for where they come from).
 */
public final class Corpora {
    private Corpora() {
    }

    /** 704 quotes with their source ({@code computers}, {@code food}, {@code science}, {@code wisdom}). */
    public static Texts fortunes() {
        return Texts.csv(copy("fortunes.csv"), "quote", "source");
    }

    /** The Mauna Loa monthly mean CO2 concentration in ppm, January 1959 to December 1997 (468 months). */
    public static float[] co2() {
        try {
            return co2Values();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static float[] co2Values() throws IOException {
        var lines = Files.readAllLines(copy("co2.csv"), StandardCharsets.UTF_8);
        float[] out = new float[lines.size() - 1];
        for (int i = 1; i < lines.size(); i++) {
            out[i - 1] = Float.parseFloat(lines.get(i).substring(lines.get(i).lastIndexOf(',') + 1));
        }
        return out;
    }

    /** The resource {@code name} as a temporary file (the readers take paths). */
    private static Path copy(String name) {
        try (InputStream in = Corpora.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("the netdsl-datasets jar lacks " + name);
            }
            Path file = Files.createTempFile("netdsl-" + name.replace('.', '-'), ".csv");
            file.toFile().deleteOnExit();
            Files.copy(in, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException("can't read " + name + " from the netdsl-datasets jar: " + e.getMessage(), e);
        }
    }
}
