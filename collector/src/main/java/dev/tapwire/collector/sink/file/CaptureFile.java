package dev.tapwire.collector.sink.file;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Objects;

/**
 * One capture file being written: created new (never overwriting), locked against a second writer
 * (an advisory {@code fcntl} lock, released by the kernel if the process dies), appended to in
 * whole blocks only.
 *
 * <p>{@link #append} either writes everything it is given or leaves the file as it was before the
 * call: after a short or failed write (disk full) it truncates the file back to the last complete
 * block, so a reader never sees half a block left by an error. A file whose truncation fails too is
 * {@link #broken()} and must be abandoned.
 */
final class CaptureFile implements AutoCloseable {
  private final Path path;
  private final FileChannel channel;
  private final FileLock lock;
  private final Object fileKey;
  private long committedBytes;
  private boolean broken;

  private CaptureFile(Path path, FileChannel channel, FileLock lock, Object fileKey) {
    this.path = path;
    this.channel = channel;
    this.lock = lock;
    this.fileKey = fileKey;
  }

  /**
   * Creates {@code path}, which must not exist.
   *
   * @throws java.nio.file.FileAlreadyExistsException if it does
   */
  static CaptureFile createNew(Path path) throws IOException {
    FileChannel channel =
        FileChannel.open(path, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    try {
      FileLock lock = channel.tryLock();
      Object key = Files.readAttributes(path, BasicFileAttributes.class).fileKey();
      return new CaptureFile(path, channel, lock, key);
    } catch (IOException | RuntimeException e) {
      channel.close();
      Files.deleteIfExists(path);
      throw e;
    }
  }

  Path path() {
    return path;
  }

  /** Bytes written, all of them complete blocks. */
  long committedBytes() {
    return committedBytes;
  }

  /** True when a failed write could not be undone: the file may end in a partial block. */
  boolean broken() {
    return broken;
  }

  /**
   * Writes all of {@code data} (position to limit) at the end of the file, or nothing.
   *
   * @throws IOException the write error, after the file was truncated back (or marked broken)
   */
  void append(ByteBuffer data) throws IOException {
    if (broken) {
      throw new IOException(path + " is unusable after an earlier failed write");
    }
    int length = data.remaining();
    try {
      while (data.hasRemaining()) {
        if (channel.write(data, committedBytes + length - data.remaining()) <= 0) {
          throw new IOException("no progress writing " + path);
        }
      }
    } catch (IOException e) {
      undoPartialWrite(e);
      throw e;
    }
    committedBytes += length;
  }

  private void undoPartialWrite(IOException cause) {
    try {
      if (channel.size() != committedBytes) {
        channel.truncate(committedBytes);
      }
    } catch (IOException e) {
      broken = true;
      cause.addSuppressed(e);
    }
  }

  /** Whether the file is still reachable under its name (an operator may have deleted it). */
  boolean stillLinked() {
    try {
      return Objects.equals(
          Files.readAttributes(path, BasicFileAttributes.class).fileKey(), fileKey);
    } catch (NoSuchFileException e) {
      return false;
    } catch (IOException e) {
      return true;
    }
  }

  @Override
  public void close() throws IOException {
    try {
      if (lock != null && lock.isValid()) {
        lock.release();
      }
    } finally {
      channel.close();
    }
  }

  /**
   * Tries to take the writer's lock on an existing file, for repairs; null when another writer (in
   * this or another process) holds it.
   */
  static FileLock tryLockExisting(FileChannel channel) throws IOException {
    try {
      return channel.tryLock();
    } catch (OverlappingFileLockException e) {
      return null;
    }
  }
}
