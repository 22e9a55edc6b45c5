package dev.tapwire.wire.pcapng;

/**
 * What a reader learned from a Section Header Block.
 *
 * @param bigEndian byte order of every block in the section
 * @param versionMajor major version (1)
 * @param versionMinor minor version (0, or 2 which readers treat as 0)
 * @param sectionLengthBytes Section Length, -1 if not specified
 * @param hardware shb_hardware, or null
 * @param os shb_os, or null
 * @param userApplication shb_userappl, or null
 */
public record SectionHeader(
    boolean bigEndian,
    int versionMajor,
    int versionMinor,
    long sectionLengthBytes,
    String hardware,
    String os,
    String userApplication) {}
