package dev.netdsl.apps;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Runs several {@code netdsl} command lines in one fresh JVM, separated by {@code ---}, and prints
 * {@code EXIT code} after each: for tests that need a JVM of their own (no TensorFlow loaded yet, or a terminal).
 */
public final class RunCommands {
    public static void main(String[] args) {
        System.setProperty("java.awt.headless", "true");
        List<String> one = new ArrayList<>();
        for (String a : Arrays.copyOf(args, args.length + 1)) {
            if (a == null || a.equals("---")) {
                int code = Main.execute(one.toArray(new String[0]));
                System.out.println("EXIT " + code);
                System.out.flush();
                one.clear();
            } else {
                one.add(a);
            }
        }
    }
}
