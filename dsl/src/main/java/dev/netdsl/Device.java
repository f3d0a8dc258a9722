package dev.netdsl;

import org.tensorflow.Graph;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.op.Ops;
import org.tensorflow.proto.ConfigProto;

/** Where a model's graph runs. {@link #AUTO} picks the GPU when TensorFlow sees one. */
public enum Device {
    /** The GPU if TensorFlow sees one, else the CPU. */
    AUTO,
    /** The CPU ({@code /device:CPU:0}). */
    CPU,
    /** The first GPU ({@code /device:GPU:0}); needs the {@code gpu} build profile and CUDA on the host. */
    GPU;

    private static volatile Boolean gpu;

    /** True if TensorFlow can place an op on {@code /device:GPU:0} in this process. */
    public static boolean gpuAvailable() {
        if (gpu == null) {
            synchronized (Device.class) {
                if (gpu == null) {
                    gpu = probeGpu();
                }
            }
        }
        return gpu;
    }

    private static boolean probeGpu() {
        try (Graph g = new Graph()) {
            Ops tf = Ops.create(g).withDevice(org.tensorflow.DeviceSpec.newBuilder().deviceType(org.tensorflow.DeviceSpec.DeviceType.GPU).deviceIndex(0).build());
            var c = tf.constant(1f);
            try (Session s = new Session(g, ConfigProto.newBuilder().setAllowSoftPlacement(false).build());
                 Result r = s.runner().fetch(c).run()) {
                return r.size() == 1;
            }
        } catch (RuntimeException e) {
            return false;
        }
    }

    /**
     * The concrete device: {@link #AUTO} becomes GPU or CPU.
     *
     * @throws IllegalStateException for {@link #GPU} when TensorFlow sees no GPU
     */
    public Device resolve() {
        return switch (this) {
            case AUTO -> gpuAvailable() ? GPU : CPU;
            case CPU -> CPU;
            case GPU -> {
                if (!gpuAvailable()) {
                    throw new IllegalStateException("device GPU requested but TensorFlow sees no GPU; build with the gpu profile"
                            + " (mvn -Pgpu package) on a host with CUDA 12.5 and cuDNN 9.3, or use CPU/AUTO");
                }
                yield GPU;
            }
        };
    }

    /** TensorFlow's device name, e.g. {@code /device:CPU:0}. */
    public String tensorflowName() {
        return "/device:" + (resolve() == GPU ? "GPU" : "CPU") + ":0";
    }
}
