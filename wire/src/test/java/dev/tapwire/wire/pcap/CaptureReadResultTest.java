package dev.tapwire.wire.pcap;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** Labels are metric label values: stable, unique, lower_snake_case. */
class CaptureReadResultTest {
  @Test
  void labelsAreLowerSnakeCaseAndUnique() {
    assertThat(Arrays.stream(CaptureReadResult.values()).map(CaptureReadResult::label))
        .allMatch(label -> label.matches("[a-z][a-z0-9]*(_[a-z0-9]+)*"))
        .doesNotHaveDuplicates();
  }

  @Test
  void labelsAreStable() {
    assertThat(CaptureReadResult.BAD_MAGIC.label()).isEqualTo("bad_magic");
    assertThat(CaptureReadResult.BLOCK_LENGTH_NOT_MULTIPLE_OF_4.label())
        .isEqualTo("block_length_not_multiple_of_4");
    assertThat(CaptureReadResult.OPTION_PAST_END.label()).isEqualTo("option_past_end");
    assertThat(CaptureReadResult.IMPOSSIBLE_RECORD_LENGTH.label())
        .isEqualTo("impossible_record_length");
  }

  @Test
  void onlyReasonsAreErrorsAndFatalImpliesError() {
    assertThat(CaptureReadResult.RECORD.isError()).isFalse();
    assertThat(CaptureReadResult.INTERFACE_STATISTICS.isError()).isFalse();
    assertThat(CaptureReadResult.NEED_MORE_DATA.isError()).isFalse();
    assertThat(CaptureReadResult.END_OF_INPUT.isError()).isFalse();
    assertThat(CaptureReadResult.values())
        .filteredOn(CaptureReadResult::isFatal)
        .allMatch(CaptureReadResult::isError);
    assertThat(CaptureReadResult.UNKNOWN_INTERFACE.isFatal()).isFalse();
    assertThat(CaptureReadResult.BLOCK_LENGTH_MISMATCH.isFatal()).isTrue();
  }
}
