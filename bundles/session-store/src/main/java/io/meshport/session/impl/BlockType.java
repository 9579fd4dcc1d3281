package io.meshport.session.impl;

import java.nio.ByteBuffer;
import java.util.Arrays;

import org.h2.mvstore.DataUtils;
import org.h2.mvstore.WriteBuffer;
import org.h2.mvstore.type.BasicDataType;

/**
 * The values of the maps that hold a value's blocks: byte arrays, in the very bytes MVStore's default
 * {@code ObjectDataType} gives a {@code byte[]} (a tag, then for more than 15 bytes the byte class's
 * index and the length), so that files written with either read with either. It reads them in one copy:
 * the default type reads an array longer than 15 bytes a byte at a time, which made reading a block cost
 * more than writing it (found in a profile of the writer, which reads back the last leaf of a map it
 * appends to after a commit, and in the start-up's read rate).
 */
final class BlockType extends BasicDataType<byte[]> {
    static final BlockType INSTANCE = new BlockType();

    /** ObjectDataType's tag of an array, followed by its component class's index. */
    private static final int TYPE_ARRAY = 14;
    /** The index of {@code byte.class} among ObjectDataType's common classes. */
    private static final int BYTE_CLASS = 1;
    /** ObjectDataType's tag of a byte array of 0 bytes; up to 15 add their length to it. */
    private static final int TAG_BYTE_ARRAY_0_15 = 104;

    private BlockType() {
    }

    @Override
    public int getMemory(byte[] b) {
        return 24 + b.length;
    }

    @Override
    public void write(WriteBuffer buff, byte[] b) {
        if (b.length <= 15) {
            buff.put((byte) (TAG_BYTE_ARRAY_0_15 + b.length));
        } else {
            buff.put((byte) TYPE_ARRAY).put((byte) BYTE_CLASS).putVarInt(b.length);
        }
        buff.put(b);
    }

    @Override
    public byte[] read(ByteBuffer buff) {
        int tag = buff.get() & 0xff;
        int length;
        if (tag >= TAG_BYTE_ARRAY_0_15 && tag <= TAG_BYTE_ARRAY_0_15 + 15) {
            length = tag - TAG_BYTE_ARRAY_0_15;
        } else if (tag == TYPE_ARRAY && buff.get() == BYTE_CLASS) {
            length = DataUtils.readVarInt(buff);
        } else {
            throw DataUtils.newMVStoreException(DataUtils.ERROR_FILE_CORRUPT, "a block's value is not a byte array (tag {0})", tag);
        }
        if (length < 0 || length > buff.remaining()) {
            throw DataUtils.newMVStoreException(DataUtils.ERROR_FILE_CORRUPT, "a block of {0} bytes in a page of {1} more", length, buff.remaining());
        }
        byte[] b = new byte[length];
        buff.get(b);
        return b;
    }

    @Override
    public byte[][] createStorage(int size) {
        return new byte[size][];
    }

    @Override
    public int compare(byte[] a, byte[] b) {
        return Arrays.compare(a, b);
    }
}
