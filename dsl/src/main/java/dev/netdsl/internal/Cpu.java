package dev.netdsl.internal;

import dev.netdsl.Precision;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;

/** What the CPU can compute in: whether it has bfloat16 instructions, for {@link Precision#BF16}. */
public final class Cpu {
    private static final System.Logger LOG = System.getLogger("dev.netdsl");
    private static final AtomicBoolean SAID = new AtomicBoolean();
    private static volatile String bf16Flag;

    private Cpu() {
    }

    /**
     * The precision a model asking for {@code asked} runs in: bfloat16 only where the CPU has bfloat16 instructions
     * (AVX-512 BF16 or AMX, read from {@code /proc/cpuinfo}); otherwise float32, said once per JVM as a warning
     * on the {@code dev.netdsl} logger. The system property {@code netdsl.cpu.bf16} ({@code true}/{@code false})
     * overrides what the CPU says.
     */
    public static Precision precision(Precision asked) {
        if (asked != Precision.BF16) {
            return asked;
        }
        String flag = bf16Flag();
        if (flag != null) {
            return Precision.BF16;
        }
        if (SAID.compareAndSet(false, true)) {
            LOG.log(System.Logger.Level.WARNING, "bfloat16 asked for, but this CPU has no bfloat16 instructions (AVX-512 BF16 or"
                    + " AMX): computing in float32");
        }
        return Precision.FLOAT32;
    }

    /** The CPU flag that gives bfloat16 products ({@code avx512_bf16} or {@code amx_bf16}), or null if it has none. */
    public static String bf16Flag() {
        String forced = System.getProperty("netdsl.cpu.bf16");
        if (forced != null) {
            return Boolean.parseBoolean(forced) ? "netdsl.cpu.bf16=true" : null;
        }
        String flag = bf16Flag;
        if (flag == null) {
            flag = "";
            try {
                for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                    if (line.startsWith("flags")) {
                        String padded = " " + line.substring(line.indexOf(':') + 1) + " ";
                        flag = padded.contains(" amx_bf16 ") ? "amx_bf16" : padded.contains(" avx512_bf16 ") ? "avx512_bf16" : "";
                        break;
                    }
                }
            } catch (IOException | RuntimeException e) {
                flag = ""; // not Linux, or unreadable: no known bfloat16 instructions
            }
            bf16Flag = flag;
        }
        return flag.isEmpty() ? null : flag;
    }
}
