/**
 * Tunnel classification and encoding: {@link dev.tapwire.wire.tunnel.TunnelClassifier} is the
 * single entry point that finds the mirrored inner frame in ERSPAN I/II/III, GRE-TEB, VXLAN and
 * GRE-in-UDP packets and fills a reusable {@link dev.tapwire.wire.tunnel.DecodedFrame}; {@link
 * dev.tapwire.wire.tunnel.TunnelEncoder} writes the tunnel headers. See {@code wire/DESIGN.md}.
 */
package dev.tapwire.wire.tunnel;
