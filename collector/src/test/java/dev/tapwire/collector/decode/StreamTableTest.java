package dev.tapwire.collector.decode;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tapwire.collector.testing.TestPackets;
import dev.tapwire.wire.tunnel.DecodedFrame;
import dev.tapwire.wire.tunnel.TunnelClassifier;
import dev.tapwire.wire.tunnel.Verdict;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

class StreamTableTest {
  private static final long IDLE_NS = 1_000_000_000L;
  private final TunnelClassifier classifier = new TunnelClassifier();
  private final DecodedFrame decoded = new DecodedFrame();

  /** Classifies an ERSPAN II packet from 198.18.1.{source} with {@code session}. */
  private DecodedFrame erspan(int source, int session, long sequence) {
    byte[] ip =
        TestPackets.ipv4Gre(
            TestPackets.address(1, source),
            TestPackets.address(0, 2),
            TestPackets.erspanII(sequence, session, TestPackets.ethernetFrame(1, 64, 10)));
    assertThat(classifier.classifyIp(Unpooled.wrappedBuffer(ip), 0, ip.length, decoded))
        .isEqualTo(Verdict.FRAME);
    return decoded;
  }

  @Test
  void theSameKeyFindsTheSameStreamAndSourcesAreShared() {
    StreamTable table = new StreamTable(16, IDLE_NS);
    StreamEntry a = table.lookupOrCreate(erspan(1, 100, 1), 0);
    StreamEntry again = table.lookupOrCreate(erspan(1, 100, 2), 1);
    StreamEntry otherSession = table.lookupOrCreate(erspan(1, 101, 1), 2);
    StreamEntry otherSource = table.lookupOrCreate(erspan(2, 100, 1), 3);

    assertThat(again).isSameAs(a);
    assertThat(otherSession).isNotSameAs(a);
    assertThat(otherSession.source()).isSameAs(a.source());
    assertThat(otherSource.source()).isNotSameAs(a.source());
    assertThat(table.size()).isEqualTo(3);
    assertThat(a.descriptor().interfaceName()).isEqualTo("198.18.1.1/erspan_ii-100");
    assertThat(a.descriptor().description())
        .isEqualTo("198.18.1.1 -> 198.18.0.2, erspan_ii over ip, session 100, inner ethernet");
    assertThat(a.descriptor().id()).isNotEqualTo(otherSession.descriptor().id());
  }

  @Test
  void idleStreamsExpireAndTheirSourceGoesWithTheLast() {
    StreamTable table = new StreamTable(16, IDLE_NS);
    StreamEntry old = table.lookupOrCreate(erspan(1, 100, 1), 0);
    table.lookupOrCreate(erspan(1, 101, 1), IDLE_NS / 2);

    assertThat(table.expireIdle(IDLE_NS - 1)).isZero();
    assertThat(table.expireIdle(IDLE_NS)).isEqualTo(1);
    assertThat(table.size()).isEqualTo(1);
    assertThat(table.expired()).isEqualTo(1);
    // The surviving stream keeps the shared source; a returning stream is a new one.
    StreamEntry back = table.lookupOrCreate(erspan(1, 100, 2), IDLE_NS);
    assertThat(back.descriptor().id()).isEqualTo(3);
    assertThat(old.descriptor()).isNotNull();
    assertThat(back.source()).isSameAs(table.lookupOrCreate(erspan(1, 101, 2), IDLE_NS).source());

    assertThat(table.expireIdle(3 * IDLE_NS)).isEqualTo(2);
    assertThat(table.size()).isZero();
    assertThat(table.liveStreams()).isZero();
  }

  @Test
  void aFullTableEvictsTheLeastRecentlySeenAndCountsIt() {
    StreamTable table = new StreamTable(4, IDLE_NS);
    for (int session = 0; session < 4; session++) {
      table.lookupOrCreate(erspan(1, session, 1), session);
    }
    table.lookupOrCreate(erspan(1, 0, 2), 10); // session 0 is now the most recent
    StreamEntry fifth = table.lookupOrCreate(erspan(1, 4, 1), 11);

    assertThat(table.size()).isEqualTo(4);
    assertThat(table.evicted()).isEqualTo(1);
    assertThat(fifth.descriptor().interfaceName()).endsWith("-4");
    table.publishDescriptors();
    assertThat(table.descriptors())
        .extracting(d -> d.interfaceName())
        .containsExactly(
            "198.18.1.1/erspan_ii-4",
            "198.18.1.1/erspan_ii-0",
            "198.18.1.1/erspan_ii-3",
            "198.18.1.1/erspan_ii-2");
    assertThat(table.created()).isEqualTo(5);
  }

  @Test
  void boundedUnderAFloodOfNewStreams() {
    StreamTable table = new StreamTable(32, IDLE_NS);
    for (int i = 0; i < 10_000; i++) {
      table.lookupOrCreate(erspan(i % 200, (i / 200) % 1024, 1), i);
      assertThat(table.size()).isLessThanOrEqualTo(32);
    }
    assertThat(table.evicted()).isEqualTo(10_000 - 32);
    assertThat(table.expireIdle(Long.MAX_VALUE / 2)).isEqualTo(32);
  }
}
