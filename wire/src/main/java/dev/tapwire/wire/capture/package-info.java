/**
 * Reading "a capture file" without caring whether it is pcap or pcapng: {@link
 * dev.tapwire.wire.capture.CaptureFormat#detect} looks at the first bytes and {@link
 * dev.tapwire.wire.capture.CaptureFileReader} hands the file to the right reader. Kept apart from
 * the two codec packages so that neither depends on the other's reader.
 */
package dev.tapwire.wire.capture;
