/**
 * Capture files: pcapng (default) and pcap, with rotation, ring retention, per-source series, and
 * files that stay readable through crashes and full disks. See {@code collector/DESIGN.md},
 * "Capture files".
 */
package dev.tapwire.collector.sink.file;
