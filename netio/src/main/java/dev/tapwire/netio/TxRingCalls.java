package dev.tapwire.netio;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

/**
 * The C library calls a mapped transmit ring needs beyond {@link Libc}: {@code mmap} and {@code
 * munmap}. Kept apart from {@link Libc} so that ring classes can change without touching it.
 */
@SuppressWarnings("restricted")
final class TxRingCalls {
  static final int PROT_READ_WRITE = 0x1 | 0x2;
  static final int MAP_SHARED = 0x01;
  static final int MAP_LOCKED = 0x2000;

  private static final Linker LINKER = Linker.nativeLinker();
  private static final MethodHandle MMAP =
      LINKER.downcallHandle(
          LINKER.defaultLookup().find("mmap").orElseThrow(),
          FunctionDescriptor.of(
              ADDRESS, ADDRESS, JAVA_LONG, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_LONG),
          Linker.Option.captureCallState("errno"));
  private static final MethodHandle MUNMAP =
      LINKER.downcallHandle(
          LINKER.defaultLookup().find("munmap").orElseThrow(),
          FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG));

  private TxRingCalls() {}

  /**
   * {@code mmap(NULL, length, PROT_READ|PROT_WRITE, MAP_SHARED, fd, 0)}, sized to {@code length}.
   */
  static MemorySegment mapShared(MemorySegment callState, int fd, long length, String subject)
      throws ErrnoException {
    MemorySegment address;
    try {
      address =
          (MemorySegment)
              MMAP.invokeExact(
                  callState, MemorySegment.NULL, length, PROT_READ_WRITE, MAP_SHARED, fd, 0L);
    } catch (Throwable t) {
      throw new AssertionError("mmap threw", t);
    }
    if (address.address() == -1L) {
      int errno = Libc.errno(callState);
      throw new ErrnoException("mmap", subject, errno == 0 ? Errno.EIO : errno);
    }
    return address.reinterpret(length);
  }

  static void unmap(MemorySegment mapping) {
    try {
      int rc = (int) MUNMAP.invokeExact(mapping, mapping.byteSize());
      if (rc != 0) {
        throw new IllegalStateException("munmap failed for " + mapping);
      }
    } catch (RuntimeException | Error e) {
      throw e;
    } catch (Throwable t) {
      throw new AssertionError("munmap threw", t);
    }
  }
}
