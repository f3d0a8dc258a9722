package dev.netdsl.spark;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A Spark standalone cluster on loopback, started from the Maven class path: a master and {@code workers} workers, each
 * its own JVM, whose executors are JVMs of their own (as on a real cluster). The driver's class path for executors is
 * {@link #executorClassPath()}; the workers need a {@code SPARK_HOME} only for its (here empty) {@code jars} folder.
 */
final class StandaloneCluster implements AutoCloseable {
    private final List<Process> processes = new ArrayList<>();
    private final Path home;
    final String master;

    private StandaloneCluster(Path home, String master) {
        this.home = home;
        this.master = master;
    }

    /** Starts a master and {@code workers} workers of {@code cores} cores and {@code memory} each; logs go to {@code logs}. */
    static StandaloneCluster start(int workers, int cores, String memory, Path logs) throws IOException, InterruptedException {
        Path home = Files.createDirectories(logs.resolve("spark-home"));
        Files.createDirectories(home.resolve("jars"));
        int port = freePort();
        StandaloneCluster cluster = new StandaloneCluster(home, "spark://127.0.0.1:" + port);
        try {
            cluster.launch(logs.resolve("master.log"), "org.apache.spark.deploy.master.Master", "--host", "127.0.0.1",
                    "--port", String.valueOf(port), "--webui-port", String.valueOf(freePort()));
            waitForPort(port);
            for (int w = 0; w < workers; w++) {
                Path work = Files.createDirectories(logs.resolve("worker-" + w));
                cluster.launch(logs.resolve("worker-" + w + ".log"), "org.apache.spark.deploy.worker.Worker", "--host", "127.0.0.1",
                        "--cores", String.valueOf(cores), "--memory", memory, "--work-dir", work.toString(),
                        "--webui-port", String.valueOf(freePort()), cluster.master);
            }
            return cluster;
        } catch (IOException | RuntimeException e) {
            cluster.close();
            throw e;
        }
    }

    /** What executors need on their class path: Spark, NetDSL (these classes and the tests' for their functions). */
    static String executorClassPath() throws IOException {
        Path target = target();
        return String.join(File.pathSeparator, target.resolve("classes").toString(), target.resolve("test-classes").toString(),
                Files.readString(target.resolve("classpath.txt")).strip());
    }

    /** The spark module's build folder: {@code target} in a test (run in the module), {@code spark/target} in a benchmark. */
    private static Path target() {
        Path here = Path.of("target");
        return (Files.exists(here.resolve("classpath.txt")) ? here : Path.of("spark", "target")).toAbsolutePath();
    }

    private void launch(Path log, String main, String... args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(NetDslSpark.java17Options());
        command.addAll(List.of("-Xmx512m", "-cp", Files.readString(target().resolve("classpath.txt")).strip(), main));
        command.addAll(List.of(args));
        ProcessBuilder b = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        b.environment().put("SPARK_HOME", home.toString());
        b.environment().put("SPARK_SCALA_VERSION", "2.13");
        processes.add(b.start());
    }

    /** The executor JVMs the workers started for {@code appId}. */
    List<ProcessHandle> executors(String appId) {
        List<ProcessHandle> out = new ArrayList<>();
        for (Process worker : processes) {
            worker.toHandle().descendants().filter(p -> commandLine(p).map(c -> c.contains("CoarseGrainedExecutorBackend")
                    && c.contains(appId)).orElse(false)).forEach(out::add);
        }
        return out;
    }

    private static Optional<String> commandLine(ProcessHandle p) {
        try {
            return Optional.of(Files.readString(Path.of("/proc", String.valueOf(p.pid()), "cmdline")).replace('\0', ' '));
        } catch (IOException e) {
            return p.info().commandLine();
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static void waitForPort(int port) throws InterruptedException, IOException {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
        while (System.nanoTime() < deadline) {
            try (Socket s = new Socket("127.0.0.1", port)) {
                return;
            } catch (IOException e) {
                Thread.sleep(200);
            }
        }
        throw new IOException("the Spark master did not open port " + port + " within 5 minutes");
    }

    @Override
    public void close() {
        for (int i = processes.size() - 1; i >= 0; i--) {
            Process p = processes.get(i);
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
        for (Process p : processes) {
            try {
                p.waitFor(1, TimeUnit.MINUTES);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
