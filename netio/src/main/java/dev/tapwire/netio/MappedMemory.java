package dev.tapwire.netio;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

/** {@code mmap}/{@code munmap} of a socket's ring (sys/mman.h). */
@SuppressWarnings("restricted")
final class MappedMemory {
  static final int PROT_READ = 0x1;
  static final int PROT_WRITE = 0x2;
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
          FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG),
          Linker.Option.captureCallState("errno"));

  private MappedMemory() {}

  /** Maps {@code bytes} of {@code fd} shared, read-write; the segment has that size. */
  static MemorySegment mapShared(MemorySegment callState, int fd, long bytes, String subject)
      throws ErrnoException {
    MemorySegment address;
    try {
      address =
          (MemorySegment)
              MMAP.invokeExact(
                  callState, MemorySegment.NULL, bytes, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0L);
    } catch (Throwable t) {
      throw rethrow(t);
    }
    if (address.address() == -1L || address.address() == 0L) {
      int errno = Libc.errno(callState);
      throw new ErrnoException("mmap", subject, errno == 0 ? Errno.EIO : errno);
    }
    return address.reinterpret(bytes);
  }

  static void unmap(MemorySegment callState, MemorySegment mapping) throws ErrnoException {
    int rc;
    try {
      rc = (int) MUNMAP.invokeExact(callState, mapping, mapping.byteSize());
    } catch (Throwable t) {
      throw rethrow(t);
    }
    if (rc < 0) {
      int errno = Libc.errno(callState);
      throw new ErrnoException("munmap", null, errno == 0 ? Errno.EIO : errno);
    }
  }

  private static RuntimeException rethrow(Throwable t) {
    if (t instanceof RuntimeException re) {
      return re;
    }
    if (t instanceof Error e) {
      throw e;
    }
    return new IllegalStateException("downcall threw a checked exception", t);
  }
}
