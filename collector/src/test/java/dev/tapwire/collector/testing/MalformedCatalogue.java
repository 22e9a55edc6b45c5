package dev.tapwire.collector.testing;

import dev.tapwire.wire.gre.GreProtocolType;
import dev.tapwire.wire.ip.IpProtocol;
import dev.tapwire.wire.ip.Ipv4HeaderEncoder;
import dev.tapwire.wire.tunnel.TunnelEncoder;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Malformed and hostile packets, one class each, with where the collector counts them. Shared by
 * the decode-stage test (every class) and the running-collector IT (each class sent the way it
 * would arrive: through a raw GRE socket, a UDP socket, or as a whole Ethernet frame when the outer
 * IP header itself is the malformation, which the kernel drops before any socket sees it).
 */
public final class MalformedCatalogue {
  /** How a case reaches the collector. */
  public enum Path {
    /** A GRE payload: the sender's kernel adds a valid outer IPv4 header. */
    GRE_V4,
    /** A GRE payload over IPv6 (the raw IPv6 socket gives the collector no IP header). */
    GRE_V6,
    /** A UDP payload to {@link Case#udpPort} over IPv4. */
    UDP_V4,
    /** A UDP payload to {@link Case#udpPort} over IPv6. */
    UDP_V6,
    /** Whole outer IPv4 packets, written as Ethernet frames on the link (AF_PACKET). */
    IPV4_PACKETS
  }

  /**
   * One class of bad input.
   *
   * @param name short, unique
   * @param path how it is sent
   * @param udpPort destination port for the UDP paths, else 0
   * @param packets what is sent (GRE payload, UDP payload or whole IPv4 packet)
   * @param series the collector metric series that counts it (labels sorted by name), or null when
   *     the kernel drops it first
   * @param kernelCounters for {@link Path#IPV4_PACKETS}: the {@code /proc/net/snmp} or {@code
   *     netstat} counters (e.g. {@code Ip:InHdrErrors}) of which at least one counts it
   */
  public record Case(
      String name,
      Path path,
      int udpPort,
      List<byte[]> packets,
      String series,
      List<String> kernelCounters) {}

  public static final String INVALID = "tapwire_collector_packets_invalid_total";
  public static final String SKIPPED = "tapwire_collector_packets_skipped_total";
  public static final String FRAGMENTS_DROPPED = "tapwire_collector_fragments_dropped_total";

  private static final int OVERSIZE_FRAGMENT_BYTES = 1472; // fits a 1500-byte MTU, multiple of 8
  // The last fragment starts at 64768 and carries 1000 bytes: the datagram would end at 65788.
  private static final int OVERSIZE_LAST_OFFSET = 44 * OVERSIZE_FRAGMENT_BYTES;

  /** Session id of the valid ERSPAN packets this catalogue's cases are built from. */
  public static final int SESSION = 9;

  private MalformedCatalogue() {}

  /** {@code tapwire_collector_packets_invalid_total{reason="..."}}. */
  public static String invalid(String reason) {
    return INVALID + "{reason=\"" + reason + "\"}";
  }

  /** {@code tapwire_collector_packets_skipped_total{reason="..."}}. */
  public static String skipped(String reason) {
    return SKIPPED + "{reason=\"" + reason + "\"}";
  }

  /** {@code tapwire_collector_fragments_dropped_total{reason="..."}}. */
  public static String fragmentsDropped(String reason) {
    return FRAGMENTS_DROPPED + "{reason=\"" + reason + "\"}";
  }

  /** Every class a running collector can receive through its sockets. */
  public static List<Case> socketCases() {
    List<Case> cases = new ArrayList<>();
    byte[] inner = TestPackets.ethernetFrame(7, 64, 30);
    byte[] erspanII = TestPackets.erspanII(1, SESSION, inner);
    // ---- truncated at each header boundary (outer IP valid, built by the sender's kernel) ----
    gre(cases, "gre_base_truncated", hex("1000 88"), invalid("gre_truncated"));
    gre(
        cases,
        "gre_optional_fields_truncated",
        hex("3000 88be 0000 0001"),
        invalid("gre_truncated"));
    gre(cases, "gre_checksum_field_truncated", hex("8000 6558"), invalid("gre_truncated"));
    gre(cases, "erspan_ii_header_missing", hex("1000 88be 0000 0001"), invalid("erspan_truncated"));
    gre(cases, "erspan_ii_header_truncated", slice(erspanII, 8 + 5), invalid("erspan_truncated"));
    byte[] erspanIII = TestPackets.erspanIII(1, SESSION, 1_700_000_000_000_000_000L, 0, inner);
    gre(cases, "erspan_iii_header_truncated", slice(erspanIII, 8 + 9), invalid("erspan_truncated"));
    gre(
        cases,
        "erspan_iii_subheader_truncated",
        slice(erspanIII, 8 + 12 + 4),
        invalid("erspan_subheader_truncated"));
    gre(
        cases,
        "inner_ethernet_truncated",
        slice(erspanII, 16 + 10),
        invalid("inner_ethernet_too_short"));
    gre(cases, "inner_frame_empty", slice(erspanII, 16), invalid("inner_frame_empty"));
    // ---- bad field values ----
    gre(cases, "gre_version_5", with(erspanII, 1, 0x05), invalid("gre_bad_version"));
    gre(cases, "gre_routing_bit", with(erspanII, 0, 0x50), invalid("gre_routing_present"));
    gre(cases, "gre_version_1_pptp", with(erspanII, 1, 0x01), skipped("gre_version_1_pptp"));
    gre(
        cases,
        "gre_unknown_protocol",
        concat(hex("0000 1234"), inner),
        skipped("gre_protocol_not_mirror"));
    gre(
        cases,
        "gre_ipv4_not_mirror",
        concat(hex("0000 0800"), slice(inner, 14, inner.length)),
        skipped("gre_protocol_not_mirror"));
    byte[] version15 = erspanII.clone();
    version15[8] = (byte) (0xF0 | (version15[8] & 0x0F));
    gre(cases, "erspan_version_15", version15, invalid("erspan_bad_version"));
    byte[] type3Version1 = erspanIII.clone();
    type3Version1[8] = (byte) (0x10 | (type3Version1[8] & 0x0F));
    gre(cases, "erspan_iii_version_1", type3Version1, invalid("erspan_bad_version"));
    byte[] frameType5 = erspanIII.clone();
    frameType5[8 + 10] = (byte) ((frameType5[8 + 10] & 0x83) | (5 << 2)); // FT: word 2, bits 14-10
    gre(cases, "erspan_iii_frame_type_5", frameType5, invalid("erspan_frame_type_unsupported"));
    // ---- IPv6 outer ----
    cases.add(
        new Case(
            "ipv6_gre_truncated",
            Path.GRE_V6,
            0,
            List.of(hex("00")),
            invalid("gre_truncated"),
            List.of()));
    cases.add(
        new Case(
            "ipv6_erspan_version_15",
            Path.GRE_V6,
            0,
            List.of(version15),
            invalid("erspan_bad_version"),
            List.of()));
    // ---- UDP: VXLAN and GRE-in-UDP ----
    byte[] vxlan = TestPackets.vxlan(SESSION, inner);
    udp(cases, "vxlan_without_i_flag", 4789, with(vxlan, 0, 0x00), invalid("vxlan_i_flag_missing"));
    udp(cases, "vxlan_too_short", 4789, slice(vxlan, 5), invalid("vxlan_truncated"));
    udp(cases, "vxlan_inner_empty", 4789, slice(vxlan, 8), invalid("inner_frame_empty"));
    udp(cases, "gre_in_udp_garbage", 4754, hex("ffff ffff dead beef"), invalid("gre_bad_version"));
    udp(cases, "gre_in_udp_truncated", 4754, hex("0000 08"), invalid("gre_truncated"));
    udp(
        cases,
        "gre_in_udp_inner_ip_version_6",
        4754,
        concat(hex("0000 0800"), with(slice(inner, 14, inner.length), 0, 0x65)),
        invalid("inner_ip_bad_version"));
    udp(
        cases,
        "gre_in_udp_inner_ip_short",
        4754,
        concat(hex("0000 0800"), slice(inner, 14, 14 + 12)),
        invalid("inner_ip_too_short"));
    cases.add(
        new Case(
            "ipv6_vxlan_too_short",
            Path.UDP_V6,
            4789,
            List.of(slice(vxlan, 7)),
            invalid("vxlan_truncated"),
            List.of()));
    return cases;
  }

  /**
   * Outer IPv4 malformations and fragment attacks, as whole IPv4 packets from {@code source} to
   * {@code destination} (big-endian ints). A Linux collector's raw socket never sees them: the
   * kernel validates the IP header and reassembles fragments before raw delivery; the decode stage
   * counts them itself when it does see them (capture files, other receivers).
   */
  public static List<Case> ipv4Cases(int source, int destination) {
    List<Case> cases = new ArrayList<>();
    byte[] gre = TestPackets.erspanII(1, SESSION, TestPackets.ethernetFrame(8, 64, 30));
    byte[] good = TestPackets.ipv4Gre(source, destination, gre);
    cases.add(
        ipv4Case(
            "ipv4_header_truncated",
            List.of(slice(good, 12)),
            invalid("ip_truncated"),
            "Ip:InHdrErrors"));
    byte[] longer = good.clone();
    setShort(longer, 2, good.length + 40);
    cases.add(
        ipv4Case(
            "ipv4_total_length_beyond_packet",
            List.of(checksummed(longer)),
            invalid("ip_truncated"),
            "IpExt:InTruncatedPkts",
            "Ip:InHdrErrors"));
    byte[] shorter = good.clone();
    setShort(shorter, 2, 16);
    cases.add(
        ipv4Case(
            "ipv4_total_length_below_header",
            List.of(checksummed(shorter)),
            invalid("ip_bad_total_length"),
            "Ip:InHdrErrors"));
    byte[] ihl4 = good.clone();
    ihl4[0] = 0x44;
    cases.add(
        ipv4Case(
            "ipv4_ihl_below_5", List.of(ihl4), invalid("ip_bad_header_length"), "Ip:InHdrErrors"));
    // Overlapping fragments whose bytes disagree: the whole datagram is dropped.
    byte[] payload = gre;
    cases.add(
        ipv4Case(
            "ipv4_fragments_overlap",
            List.of(
                fragment(source, destination, 100, 0, true, slice(payload, 0, 24)),
                fragment(source, destination, 100, 16, true, flip(slice(payload, 16, 40))),
                fragment(source, destination, 100, 40, false, slice(payload, 40, payload.length))),
            fragmentsDropped("fragment_overlap"),
            "IpExt:ReasmOverlaps",
            "Ip:ReasmFails"));
    // A complete set of fragments whose datagram would be 65788 bytes long.
    List<byte[]> oversize = new ArrayList<>();
    byte[] chunk = new byte[OVERSIZE_FRAGMENT_BYTES];
    int offset = 0;
    for (; offset < OVERSIZE_LAST_OFFSET; offset += OVERSIZE_FRAGMENT_BYTES) {
      byte[] data = offset == 0 ? concat(payload, new byte[chunk.length - payload.length]) : chunk;
      oversize.add(fragment(source, destination, 101, offset, true, data));
    }
    oversize.add(fragment(source, destination, 101, offset, false, new byte[1000]));
    cases.add(
        ipv4Case(
            "ipv4_reassembled_over_65535",
            oversize,
            fragmentsDropped("fragment_too_large"),
            "Ip:ReasmFails"));
    return cases;
  }

  /** One IPv4 fragment of datagram {@code id} carrying {@code data} at {@code offsetBytes}. */
  public static byte[] fragment(
      int source, int destination, int id, int offsetBytes, boolean more, byte[] data) {
    ByteBuf b = Unpooled.buffer(20 + data.length);
    int flags = (more ? 0x2000 : 0) | (offsetBytes / 8);
    Ipv4HeaderEncoder.encode(
        b, 0, 0, 20 + data.length, id, flags, 64, IpProtocol.GRE, source, destination);
    b.writerIndex(20).writeBytes(data);
    return ByteBufUtil.getBytes(b);
  }

  /** A valid GRE-TEB payload, with the key when {@code key >= 0}. */
  public static byte[] greTeb(long key, byte[] inner) {
    ByteBuf b = Unpooled.buffer();
    TunnelEncoder.writeGreTeb(b, key >= 0, Math.max(key, 0), false, 0);
    b.writeBytes(inner);
    return ByteBufUtil.getBytes(b);
  }

  /** A valid ERSPAN Type I payload (GRE 0x88BE without S). */
  public static byte[] erspanI(byte[] inner) {
    ByteBuf b = Unpooled.buffer();
    b.writeShort(0).writeShort(GreProtocolType.ERSPAN_I_II);
    b.writeBytes(inner);
    return ByteBufUtil.getBytes(b);
  }

  private static Case ipv4Case(String name, List<byte[]> packets, String series, String... kernel) {
    return new Case(name, Path.IPV4_PACKETS, 0, packets, series, List.of(kernel));
  }

  private static void gre(List<Case> cases, String name, byte[] payload, String series) {
    cases.add(new Case(name, Path.GRE_V4, 0, List.of(payload), series, List.of()));
  }

  private static void udp(List<Case> cases, String name, int port, byte[] payload, String series) {
    cases.add(new Case(name, Path.UDP_V4, port, List.of(payload), series, List.of()));
  }

  private static byte[] hex(String text) {
    return HexFormat.of().parseHex(text.replace(" ", ""));
  }

  private static byte[] slice(byte[] a, int length) {
    return slice(a, 0, length);
  }

  private static byte[] slice(byte[] a, int from, int to) {
    return java.util.Arrays.copyOfRange(a, from, to);
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] c = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, c, a.length, b.length);
    return c;
  }

  private static byte[] with(byte[] a, int index, int value) {
    byte[] c = a.clone();
    c[index] = (byte) value;
    return c;
  }

  private static byte[] flip(byte[] a) {
    byte[] c = a.clone();
    for (int i = 0; i < c.length; i++) {
      c[i] = (byte) ~c[i];
    }
    return c;
  }

  private static void setShort(byte[] a, int index, int value) {
    a[index] = (byte) (value >>> 8);
    a[index + 1] = (byte) value;
  }

  /** {@code ip} with its IPv4 header checksum recomputed, so only the intended field is wrong. */
  private static byte[] checksummed(byte[] ip) {
    ByteBuf b = Unpooled.wrappedBuffer(ip);
    Ipv4HeaderEncoder.updateChecksum(b, 0);
    return ip;
  }
}
