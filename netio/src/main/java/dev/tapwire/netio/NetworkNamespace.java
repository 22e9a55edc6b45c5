package dev.tapwire.netio;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;

/**
 * Moves a thread into a named network namespace ({@code /var/run/netns/NAME}, as made by {@code ip
 * netns add}) with {@code setns(fd, CLONE_NEWNET)}. {@code setns} changes only the calling thread;
 * a socket keeps the namespace it was created in for its whole life, whichever thread uses it
 * later. Needs CAP_SYS_ADMIN.
 */
public final class NetworkNamespace {
  /** Where {@code ip netns} keeps the namespace handles. */
  public static final Path RUN_DIR = Path.of("/var/run/netns");

  private NetworkNamespace() {}

  /**
   * Moves the calling thread into namespace {@code name}, for good. Only for a thread that was
   * started for this purpose (never a pooled or virtual thread).
   */
  public static void enterCurrentThread(String name) throws ErrnoException {
    if (Thread.currentThread().isVirtual()) {
      throw new IllegalStateException("setns on a virtual thread would move its carrier");
    }
    Path path = handle(name);
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment st = Libc.newCallState(arena);
      int fd =
          Libc.open(st, arena.allocateFrom(path.toString()), Libc.O_RDONLY | Libc.O_CLOEXEC, name);
      try {
        Libc.setns(st, fd, Libc.CLONE_NEWNET, name);
      } finally {
        Libc.close(st, fd);
      }
    }
  }

  /**
   * Runs {@code task} on a new platform thread inside namespace {@code name} and returns its
   * result; the thread ends with the task. Sockets opened by the task stay in that namespace and
   * may be used by the caller afterwards (the join orders the accesses).
   *
   * @throws Exception whatever {@code task} or entering the namespace threw
   */
  public static <T> T runIn(String name, Callable<T> task) throws Exception {
    FutureTask<T> future =
        new FutureTask<>(
            () -> {
              enterCurrentThread(name);
              return task.call();
            });
    Thread thread = Thread.ofPlatform().name("netns-" + name).start(future);
    thread.join();
    try {
      return future.get();
    } catch (ExecutionException e) {
      if (e.getCause() instanceof Exception cause) {
        throw cause;
      }
      if (e.getCause() instanceof Error error) {
        throw error;
      }
      throw e;
    }
  }

  /**
   * The namespace of the calling thread as {@code net:[inode]} (from {@code
   * /proc/thread-self/ns/net}).
   */
  public static String currentThreadNamespace() throws IOException {
    return Files.readSymbolicLink(Path.of("/proc/thread-self/ns/net")).toString();
  }

  private static Path handle(String name) {
    if (name.isEmpty() || name.contains("/") || name.equals(".") || name.equals("..")) {
      throw new IllegalArgumentException("bad namespace name: '" + name + "'");
    }
    return RUN_DIR.resolve(name);
  }
}
