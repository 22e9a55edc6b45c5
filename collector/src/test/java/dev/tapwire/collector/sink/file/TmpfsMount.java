package dev.tapwire.collector.sink.file;

import dev.tapwire.testkit.Exec;
import java.nio.file.Path;

/** A small tmpfs mounted for one test (needs root), unmounted by {@link #close}. */
final class TmpfsMount implements AutoCloseable {
  private final Path mountPoint;

  private TmpfsMount(Path mountPoint) {
    this.mountPoint = mountPoint;
  }

  /** Mounts a tmpfs of {@code size} (mount's syntax, e.g. {@code 2m}) on {@code mountPoint}. */
  static TmpfsMount mount(Path mountPoint, String size) {
    Exec.run(
            "mount",
            "-t",
            "tmpfs",
            "-o",
            "size=" + size + ",mode=0755",
            "tapwire-test",
            mountPoint.toString())
        .check();
    return new TmpfsMount(mountPoint);
  }

  Path path() {
    return mountPoint;
  }

  @Override
  public void close() {
    Exec.run("umount", "-l", mountPoint.toString()).check();
  }
}
