package dev.tapwire.wire.tunnel;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tapwire.wire.tunnel.testing.ClassifiedCapture;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The hot path allocates nothing: classifying real packets of every kind (frames, not-tunnel,
 * fragments) into a reused {@link DecodedFrame} allocates no bytes on this thread. Measured with
 * the JVM's per-thread allocation counter, not with time.
 */
class TunnelClassifierAllocationTest {

  @Test
  void classificationAllocatesNothingPerPacket() {
    var threads = ManagementFactory.getThreadMXBean();
    Assumptions.assumeTrue(
        threads instanceof com.sun.management.ThreadMXBean t
            && t.isThreadAllocatedMemorySupported(),
        "per-thread allocation counter not available");
    com.sun.management.ThreadMXBean counter = (com.sun.management.ThreadMXBean) threads;

    List<ByteBuf> packets = new ArrayList<>();
    List<Integer> linkTypes = new ArrayList<>();
    for (String capture :
        new String[] {
          "tcpdump/erspan-type-i-4.pcap",
          "tcpdump/erspan-type-ii-2.pcap",
          "tcpdump/erspan-type-iii-ft-7.pcap",
          "tcpdump/vxlan.pcap",
          "tcpdump/pptp.pcap",
          "zeek/erspan.pcap",
          "zeek/gre-erspan3-dot1q.pcap",
          "zeek/gre-over-udp-4754.pcap"
        }) {
      ClassifiedCapture c = ClassifiedCapture.of(capture);
      for (ClassifiedCapture.Packet p : c.packets()) {
        byte[] data = p.record().data();
        // heap and direct buffers: the collector receives into pooled direct buffers
        packets.add(Unpooled.wrappedBuffer(data));
        packets.add(Unpooled.directBuffer(data.length).writeBytes(data));
        linkTypes.add(c.file().linkType());
        linkTypes.add(c.file().linkType());
      }
    }
    ByteBuf[] buffers = packets.toArray(ByteBuf[]::new);
    int[] types = linkTypes.stream().mapToInt(Integer::intValue).toArray();
    TunnelClassifier classifier = new TunnelClassifier();
    DecodedFrame out = new DecodedFrame();

    long sink = run(classifier, out, buffers, types, 50); // warm up: class init, JIT
    long before = counter.getCurrentThreadAllocatedBytes();
    sink += run(classifier, out, buffers, types, 200);
    long allocated = counter.getCurrentThreadAllocatedBytes() - before;

    assertThat(sink).isPositive();
    assertThat(allocated)
        .as("bytes allocated for %d classifications", 200L * buffers.length)
        .isLessThan(1024); // the counter itself may report a few bytes of noise
  }

  private static long run(
      TunnelClassifier classifier, DecodedFrame out, ByteBuf[] buffers, int[] types, int rounds) {
    long sink = 0;
    for (int round = 0; round < rounds; round++) {
      for (int i = 0; i < buffers.length; i++) {
        ByteBuf buf = buffers[i];
        Verdict verdict = classifier.classifyLinkLayer(types[i], buf, 0, buf.writerIndex(), out);
        sink += verdict.ordinal() + out.innerLength() + out.streamId();
      }
    }
    return sink;
  }
}
