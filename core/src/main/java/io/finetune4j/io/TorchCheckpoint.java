package io.finetune4j.io;

import io.finetune4j.BadInputException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;

/**
 * Reads a {@code pytorch_model.bin} written by {@code torch.save} (PyTorch 1.6 and later): a zip
 * holding {@code <archive>/data.pkl} (the pickled state dict), {@code <archive>/data/<key>} (one
 * entry of raw little-endian bytes per storage), {@code <archive>/version} and, in newer files,
 * {@code <archive>/byteorder}. The pickle goes through {@link TorchPickle}, which rebuilds tensors
 * and refuses everything else. The legacy pre-1.6 format (a bare pickle stream) is refused with a
 * clear message.
 */
public final class TorchCheckpoint {
    public static final String SINGLE_FILE = "pytorch_model.bin";
    public static final String INDEX_FILE = "pytorch_model.bin.index.json";
    /** The largest data.pkl read (a state dict's pickle is kilobytes; the tensors live in data/). */
    static final long MAX_PICKLE_BYTES = 256L * 1024 * 1024;

    private TorchCheckpoint() {}

    /** Every tensor of the file by state-dict name; float16 and bfloat16 tensors come back as float32. */
    public static Map<String, Tensor> read(Path file) {
        return open(file, (pickle, storages) -> TorchPickle.stateDict(file.toString(), pickle, storages));
    }

    /**
     * The whole pickled object (an optimizer's or scheduler's state_dict): dicts as {@link Map}s (int keys as
     * {@link Long}), lists and tuples as {@link java.util.List}s, ints as Long, floats as Double, tensors as {@link Tensor}.
     * The same restricted globals as {@link #read}.
     */
    public static Object readObject(Path file) {
        return open(file, (pickle, storages) -> TorchPickle.object(file.toString(), pickle, storages));
    }

    /**
     * A Python object of a class {@link #readObject(Path, Set)} was told to accept (numpy's arrays in rng_state.pth):
     * the global's name, the arguments it was called with (null when only referenced) and the state BUILD gave it.
     * Nothing is ever called.
     */
    public record PythonObject(String global, Object args, Object state) {}

    /** As {@link #readObject(Path)}, reading the named globals (e.g. {@code numpy.dtype}) as {@link PythonObject}s. */
    public static Object readObject(Path file, java.util.Set<String> accepted) {
        return open(file, (pickle, storages) -> TorchPickle.object(file.toString(), pickle, storages, accepted));
    }

    private interface Unpickler<T> {
        T load(byte[] pickle, TorchPickle.StorageSource storages);
    }

    private static <T> T open(Path file, Unpickler<T> unpickler) {
        checkZip(file);
        try (ZipFile zip = new ZipFile(file.toFile())) {
            String prefix = archivePrefix(zip, file);
            ZipEntry byteorder = zip.getEntry(prefix + "byteorder");
            if (byteorder != null) {
                String order = new String(readEntry(zip, byteorder, file, 16), StandardCharsets.US_ASCII).strip();
                if (!order.equals("little")) {
                    throw new BadInputException(file + " was saved on a " + order + "-endian machine; only little-endian checkpoints are read");
                }
            }
            byte[] pickle = readEntry(zip, zip.getEntry(prefix + "data.pkl"), file, MAX_PICKLE_BYTES);
            return unpickler.load(pickle, (key, minBytes) -> {
                ZipEntry e = zip.getEntry(prefix + "data/" + key);
                if (e == null) {
                    throw new BadInputException(file + " names storage data/" + key + " in its pickle but the zip has no entry "
                            + prefix + "data/" + key + " (truncated or damaged file); fetch it again");
                }
                // torch.save writes exactly numel × element size bytes per storage: read no more than that, so an entry
                // that claims (or inflates to) more, e.g. a zip bomb, is refused before it is inflated.
                if (e.getSize() > minBytes) {
                    throw new BadInputException(file + ": storage data/" + key + " is " + e.getSize() + " bytes but its pickle declares "
                            + minBytes + " (damaged file, or not written by torch.save); fetch or save it again");
                }
                byte[] bytes;
                try (InputStream in = zip.getInputStream(e)) {
                    bytes = in.readNBytes((int) minBytes);
                    if (in.read() != -1) {
                        throw new BadInputException(file + ": storage data/" + key + " inflates to more than the " + minBytes
                                + " bytes its pickle declares (damaged file, or not written by torch.save); fetch or save it again");
                    }
                } catch (IOException io) {
                    throw new BadInputException(file + ": cannot read storage data/" + key + " (" + io.getMessage()
                            + "); the file is truncated or damaged, fetch it again", io);
                }
                if (bytes.length < minBytes) {
                    throw new BadInputException(file + ": storage data/" + key + " has " + bytes.length + " bytes but its pickle declares "
                            + minBytes + " (truncated file?); fetch it again");
                }
                return ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
            });
        } catch (ZipException e) {
            throw new BadInputException(file + " is not a readable zip (" + e.getMessage() + "); the file is truncated or damaged, fetch it again", e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /** Zip files start with PK\3\4; a legacy torch.save file starts with a pickle (0x80 = PROTO). */
    private static void checkZip(Path file) {
        byte[] head = new byte[4];
        int n;
        try (InputStream in = Files.newInputStream(file)) {
            n = in.readNBytes(head, 0, 4);
        } catch (NoSuchFileException e) {
            throw new BadInputException("PyTorch checkpoint not found: " + file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
        if (n == 4 && head[0] == 'P' && head[1] == 'K' && head[2] == 3 && head[3] == 4) {
            return;
        }
        if (n >= 1 && (head[0] & 0xff) == 0x80) {
            throw new BadInputException(file + " is in PyTorch's legacy (before 1.6) torch.save format, which finetune4j does not read; "
                    + "re-save it with a current torch.save or save_pretrained (safetensors)");
        }
        throw new BadInputException(file + " is not a PyTorch checkpoint (" + n + " bytes read, no zip signature): "
                + "the file is empty, truncated or of another format");
    }

    /** The folder every entry sits in ({@code archive/} or the file's stem), found from data.pkl. */
    private static String archivePrefix(ZipFile zip, Path file) {
        String found = null;
        for (Enumeration<? extends ZipEntry> en = zip.entries(); en.hasMoreElements(); ) {
            String name = en.nextElement().getName();
            int slash = name.indexOf('/');
            if (name.endsWith("/data.pkl") && slash == name.length() - "/data.pkl".length()) {
                if (found != null) {
                    throw new BadInputException(file + " holds more than one data.pkl; it is not a single torch.save checkpoint");
                }
                found = name.substring(0, slash + 1);
            }
        }
        if (found == null) {
            throw new BadInputException(file + " is a zip without <archive>/data.pkl: not a torch.save checkpoint");
        }
        return found;
    }

    /** The bytes of an entry of at most {@code max} bytes, as declared and as inflated. */
    private static byte[] readEntry(ZipFile zip, ZipEntry e, Path file, long max) throws IOException {
        if (e.getSize() > max) {
            throw new BadInputException(file + ": entry " + e.getName() + " is " + e.getSize() + " bytes, more than the " + max
                    + " a torch.save checkpoint has there; the file is damaged or not a state dict");
        }
        try (InputStream in = zip.getInputStream(e)) {
            byte[] b = in.readNBytes((int) max);
            if (in.read() != -1) {
                throw new BadInputException(file + ": entry " + e.getName() + " inflates to more than " + max
                        + " bytes; the file is damaged or not a state dict");
            }
            return b;
        }
    }
}
