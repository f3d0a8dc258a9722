package dev.netdsl.internal.files;

import dev.netdsl.internal.files.StateDictUnpickler.Storage;
import dev.netdsl.internal.files.StateDictUnpickler.TensorRef;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * A checked tensor of a {@code torch.save} file: a strided view of a storage, every element inside it, and how
 * to gather its values from the storage's bytes.
 *
 * @param storage the storage it views
 * @param offset its first element in the storage
 * @param size its shape
 * @param stride the storage elements between neighbours along each dimension
 * @param count its element count
 */
public record StorageView(Storage storage, long offset, long[] size, long[] stride, long count) {
    /**
     * A tensor's arguments checked: whole numbers where PyTorch has ints, no negative size, stride or offset, a
     * size that a Java array holds, and every element it views inside its storage.
     */
    static StorageView check(String name, TensorRef ref, String where) {
        String at = where + ": tensor " + PyTorchFiles.shorten(name);
        Object[] args = ref.args();
        if (args == null || args.length < 4 || !(args[0] instanceof Storage storage)) {
            throw new IllegalArgumentException(at + " is rebuilt from " + StateDictUnpickler.describe(args)
                    + ", not (storage, offset, size, stride, ...); the file is corrupt or crafted");
        }
        long offset = StateDictUnpickler.whole(args[1], at + ": its storage offset");
        long[] size = StateDictUnpickler.wholes(args[2], at + ": its size");
        long[] stride = StateDictUnpickler.wholes(args[3], at + ": its stride");
        if (size.length != stride.length) {
            throw new IllegalArgumentException(at + " has size " + java.util.Arrays.toString(size) + " and stride "
                    + java.util.Arrays.toString(stride) + ", which don't fit together; the file is corrupt");
        }
        if (offset < 0) {
            throw new IllegalArgumentException(at + " has storage offset " + offset + "; the file is corrupt or crafted");
        }
        long count = 1;
        for (int k = 0; k < size.length; k++) {
            if (size[k] < 0 || size[k] > Integer.MAX_VALUE) {
                throw new IllegalArgumentException(at + " has an impossible size " + java.util.Arrays.toString(size)
                        + "; the file is corrupt or crafted");
            }
            if (stride[k] < 0) {
                throw new IllegalArgumentException(at + " has a negative stride " + java.util.Arrays.toString(stride)
                        + "; PyTorch has none, so the file is corrupt or crafted");
            }
            count = count > PyTorchFiles.MAX_ARRAY ? count : count * size[k];
        }
        for (long d : size) {
            count = d == 0 ? 0 : count;
        }
        if (count > PyTorchFiles.MAX_ARRAY) {
            throw new IllegalArgumentException(at + " has size " + java.util.Arrays.toString(size) + ", more elements than one Java"
                    + " array holds; NetDSL can't load it");
        }
        if (count > 0) {
            // The last element it views: offset + sum((size - 1) * stride), each term below 2^31 * 2^63, so checked.
            long last = offset;
            try {
                for (int k = 0; k < size.length; k++) {
                    last = Math.addExact(last, Math.multiplyExact(size[k] - 1, stride[k]));
                }
            } catch (ArithmeticException e) {
                last = Long.MAX_VALUE;
            }
            if (last >= storage.numel()) {
                throw new IllegalArgumentException(at + " reads element " + (last == Long.MAX_VALUE ? "beyond 2^63" : last)
                        + " of a storage of " + storage.numel() + "; the file is corrupt");
            }
        }
        return new StorageView(storage, offset, size, stride, count);
    }

    /** The tensor's values: element {@code (i0, i1, ...)} is storage element {@code offset + sum(ik * stride[k])}. */
    StoredTensor gather(String name, byte[] data) {
        List<Integer> shape = new ArrayList<>();
        for (long d : size) {
            shape.add((int) d);
        }
        ByteBuffer buf = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
        float[] values = new float[(int) count];
        int rank = shape.size();
        long[] index = new long[rank];
        for (int i = 0; i < values.length; i++) {
            long at = offset;
            for (int k = 0; k < rank; k++) {
                at += index[k] * stride[k];
            }
            // check() checked that every element lies inside the storage, whose bytes fit an array.
            values[i] = storage.dtype().get(buf, (int) at);
            for (int k = rank - 1; k >= 0; k--) {
                if (++index[k] < size[k]) {
                    break;
                }
                index[k] = 0;
            }
        }
        return new StoredTensor(name, shape, storage.dtype().torchName, values);
    }
}
