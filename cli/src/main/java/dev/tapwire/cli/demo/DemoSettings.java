package dev.tapwire.cli.demo;

import java.nio.file.Path;

/**
 * What {@code tapwire demo} was asked to do.
 *
 * @param prefix name prefix of the namespaces ({@code PREFIX-sw1}, ...)
 * @param durationSeconds how long traffic runs
 * @param outputDir where the capture files and logs go
 * @param mirrorSpeedMbps rate the mirror NIC is policed to, 0 for its link speed
 * @param scripts the topology scripts
 */
public record DemoSettings(
    String prefix,
    long durationSeconds,
    Path outputDir,
    long mirrorSpeedMbps,
    TopologyScripts scripts) {}
