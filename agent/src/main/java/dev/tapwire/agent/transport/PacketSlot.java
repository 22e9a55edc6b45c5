package dev.tapwire.agent.transport;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.lang.foreign.MemorySegment;

/**
 * One packet's memory in a send batch, as a {@link MemorySegment} (for copying frames) and as a
 * {@link ByteBuf} over the same bytes (for the header encoders). Made once per batch slot.
 */
public final class PacketSlot {
  private final MemorySegment memory;
  private final ByteBuf buffer;

  public PacketSlot(MemorySegment memory) {
    this.memory = memory;
    this.buffer = Unpooled.wrappedBuffer(memory.asByteBuffer());
  }

  public MemorySegment memory() {
    return memory;
  }

  public ByteBuf buffer() {
    return buffer;
  }
}
