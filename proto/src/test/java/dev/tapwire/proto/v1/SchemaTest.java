package dev.tapwire.proto.v1;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import com.google.protobuf.DescriptorProtos.DescriptorProto;
import com.google.protobuf.DescriptorProtos.EnumDescriptorProto;
import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.DescriptorProtos.FileDescriptorSet;
import com.google.protobuf.DescriptorProtos.ServiceDescriptorProto;
import com.google.protobuf.DescriptorProtos.SourceCodeInfo;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.EnumDescriptor;
import com.google.protobuf.Descriptors.EnumValueDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.Descriptors.MethodDescriptor;
import com.google.protobuf.Descriptors.ServiceDescriptor;
import com.google.protobuf.Duration;
import com.google.protobuf.FieldMask;
import com.google.protobuf.Timestamp;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Round trips of the data-plane messages and a lint of the {@code tapwire.v1} schema: the buf style
 * rules (enum zero values, enum value prefixes, request/response names, comments) plus our own rule
 * that every numeric field names its unit or says it is dimensionless.
 */
class SchemaTest {

  private static final String PACKAGE = "tapwire.v1";

  /** A numeric field ends in a unit or a dimensionless role. */
  private static final Pattern NUMERIC_FIELD_NAME =
      Pattern.compile(
          "(^|.*_)(bytes|frames|packets|batches|events"
              + "|bits_per_second|packets_per_second|frames_per_second|unix_nanos"
              + "|id|ids|index|version|sequence|port|key|vni|flags)");

  /** Unit abbreviations that must be spelled out (`_nanos`, `_bytes`, `_bits_per_second`). */
  private static final Set<String> ABBREVIATED_UNITS =
      Set.of(
          "ns", "us", "ms", "nsec", "usec", "msec", "sec", "secs", "bps", "pps", "kbps", "mbps",
          "gbps", "kb", "mb", "gb", "kib", "mib", "gib");

  private static final Pattern UNIT_SUFFIX =
      Pattern.compile(".*_(bytes|bits_per_second|packets_per_second|frames_per_second|unix_nanos)");
  private static final Pattern LOWER_SNAKE = Pattern.compile("[a-z][a-z0-9]*(_[a-z0-9]+)*");
  private static final Pattern UPPER_SNAKE = Pattern.compile("[A-Z][A-Z0-9]*(_[A-Z0-9]+)*");
  private static final Pattern PASCAL = Pattern.compile("[A-Z][a-zA-Z0-9]*");

  @Test
  void frameBatchRoundTripsUnchanged() throws IOException {
    byte[] arp = new byte[42];
    arp[12] = 0x08;
    arp[13] = 0x06;
    byte[] jumbo = new byte[9000];
    for (int i = 0; i < jumbo.length; i++) {
      jumbo[i] = (byte) (i * 31);
    }
    FrameBatch batch =
        FrameBatch.newBuilder()
            .setAgentId("agent-1")
            .setSessionId(1023)
            .setBatchSequence(7)
            .setFirstFrameSequence(1001)
            .addFrames(
                Frame.newBuilder()
                    .setCaptureTimeUnixNanos(1_700_000_000_123_456_789L)
                    .setOriginalLengthBytes(arp.length)
                    .setFlags(FrameFlag.FRAME_FLAG_DIRECTION_INBOUND_VALUE)
                    .setData(ByteString.copyFrom(arp)))
            .addFrames(
                Frame.newBuilder()
                    .setCaptureTimeUnixNanos(-1L) // fixed64 carries the full unsigned range
                    .setOriginalLengthBytes(9018)
                    .setFlags(
                        FrameFlag.FRAME_FLAG_DIRECTION_OUTBOUND_VALUE
                            | FrameFlag.FRAME_FLAG_TRUNCATED_VALUE)
                    .setData(ByteString.copyFrom(jumbo)))
            .build();

    byte[] wire = StreamFramesRequest.newBuilder().setBatch(batch).build().toByteArray();
    FrameBatch parsed = StreamFramesRequest.parseFrom(wire).getBatch();

    assertThat(parsed).isEqualTo(batch);
    assertThat(parsed.getFramesList()).hasSize(2);
    assertThat(parsed.getFrames(0).getData().toByteArray()).isEqualTo(arp);
    assertThat(parsed.getFrames(1).getData().toByteArray()).isEqualTo(jumbo);
    assertThat(parsed.getFrames(1).getCaptureTimeUnixNanos()).isEqualTo(-1L);
    assertThat(FrameBatch.parseFrom(batch.toByteArray())).isEqualTo(batch);
  }

  @Test
  void frameFlagsAreDistinctBits() {
    int seen = 0;
    for (EnumValueDescriptor value : FrameFlag.getDescriptor().getValues()) {
      int bit = value.getNumber();
      if (bit == 0) {
        continue;
      }
      assertThat(Integer.bitCount(bit)).as(value.getName()).isEqualTo(1);
      assertThat(seen & bit).as(value.getName()).isZero();
      seen |= bit;
    }
  }

  @Test
  void stageAndReasonNamesAreThePrometheusLabelValues() {
    assertThat(labelValues(Stage.getDescriptor()))
        .contains("capture", "handoff", "encapsulate", "send");
    assertThat(labelValues(DropReason.getDescriptor()))
        .contains("queue_full", "rate_limited", "sampled_out", "send_error");
  }

  @Test
  void wellKnownTypesAreAvailable() {
    assertThat(Duration.getDescriptor().getFile().getName())
        .isEqualTo("google/protobuf/duration.proto");
    assertThat(FieldMask.getDescriptor().getFile().getName())
        .isEqualTo("google/protobuf/field_mask.proto");
    assertThat(Timestamp.getDescriptor().getFile().getName())
        .isEqualTo("google/protobuf/timestamp.proto");
    assertThat(SetPolicyRequest.getDescriptor().findFieldByName("update_mask").getMessageType())
        .isEqualTo(FieldMask.getDescriptor());
  }

  @Test
  void everyCompiledFileHasGeneratedJava() throws IOException {
    Set<String> compiled = new TreeSet<>();
    for (FileDescriptorProto file : compiledFiles()) {
      compiled.add(file.getName());
    }
    Set<String> generated = new TreeSet<>();
    for (FileDescriptor file : generatedFiles()) {
      generated.add(file.getName());
    }
    assertThat(generated).isEqualTo(compiled).isNotEmpty();
  }

  @Test
  void filesFollowLayoutAndJavaOptions() throws IOException {
    List<String> violations = new ArrayList<>();
    for (FileDescriptorProto file : compiledFiles()) {
      String fileName = file.getName().substring(file.getName().lastIndexOf('/') + 1);
      String base = fileName.replaceFirst("\\.proto$", "");
      check(
          violations,
          file.getName().equals("tapwire/v1/" + base + ".proto"),
          file.getName(),
          "must be tapwire/v1/<name>.proto");
      check(
          violations, LOWER_SNAKE.matcher(base).matches(), file.getName(), "not lower_snake_case");
      check(
          violations,
          file.getOptions().getJavaPackage().equals("dev.tapwire.proto.v1"),
          file.getName(),
          "java_package must be dev.tapwire.proto.v1");
      check(
          violations,
          file.getOptions().getJavaMultipleFiles(),
          file.getName(),
          "java_multiple_files must be true");
      check(
          violations,
          file.getOptions().getJavaOuterClassname().equals(pascal(base) + "Proto"),
          file.getName(),
          "java_outer_classname must be " + pascal(base) + "Proto");
    }
    assertThat(violations).isEmpty();
  }

  @Test
  void enumsHaveUnspecifiedZeroAndPrefixedValues() throws IOException {
    List<String> violations = new ArrayList<>();
    List<EnumDescriptor> enums = allEnums();
    assertThat(enums).isNotEmpty();
    for (EnumDescriptor e : enums) {
      String prefix = upperSnake(e.getName()) + "_";
      check(violations, PASCAL.matcher(e.getName()).matches(), e.getFullName(), "not PascalCase");
      EnumValueDescriptor zero = e.findValueByNumber(0);
      check(violations, zero != null, e.getFullName(), "has no zero value");
      if (zero != null) {
        check(
            violations,
            zero.getName().endsWith("_UNSPECIFIED"),
            zero.getFullName(),
            "zero value must end with _UNSPECIFIED");
        check(
            violations,
            zero.getName().equals(prefix + "UNSPECIFIED"),
            zero.getFullName(),
            "zero value must be " + prefix + "UNSPECIFIED");
        check(violations, e.getValues().get(0) == zero, e.getFullName(), "zero value not first");
      }
      for (EnumValueDescriptor value : e.getValues()) {
        check(
            violations,
            value.getName().startsWith(prefix),
            value.getFullName(),
            "must start with " + prefix);
        check(
            violations,
            UPPER_SNAKE.matcher(value.getName()).matches(),
            value.getFullName(),
            "not UPPER_SNAKE_CASE");
      }
    }
    assertThat(violations).isEmpty();
  }

  @Test
  void rpcsHaveTheirOwnRequestAndResponse() throws IOException {
    List<String> violations = new ArrayList<>();
    Set<String> used = new HashSet<>();
    List<ServiceDescriptor> services = new ArrayList<>();
    for (FileDescriptor file : generatedFiles()) {
      services.addAll(file.getServices());
    }
    assertThat(services)
        .extracting(ServiceDescriptor::getName)
        .contains("AgentService", "AdminService", "DataService");
    for (ServiceDescriptor service : services) {
      check(
          violations,
          service.getName().endsWith("Service") && PASCAL.matcher(service.getName()).matches(),
          service.getFullName(),
          "service name must be PascalCase ending in Service");
      for (MethodDescriptor method : service.getMethods()) {
        String in = method.getInputType().getFullName();
        String out = method.getOutputType().getFullName();
        check(
            violations,
            in.equals(PACKAGE + "." + method.getName() + "Request"),
            method.getFullName(),
            "input must be " + method.getName() + "Request, is " + in);
        check(
            violations,
            out.equals(PACKAGE + "." + method.getName() + "Response"),
            method.getFullName(),
            "output must be " + method.getName() + "Response, is " + out);
        check(violations, used.add(in), method.getFullName(), in + " used by two RPCs");
        check(violations, used.add(out), method.getFullName(), out + " used by two RPCs");
      }
    }
    assertThat(violations).isEmpty();
  }

  @Test
  void fieldNamesCarryUnits() throws IOException {
    List<String> violations = new ArrayList<>();
    for (Descriptor message : allMessages()) {
      check(
          violations,
          PASCAL.matcher(message.getName()).matches(),
          message.getFullName(),
          "not PascalCase");
      for (FieldDescriptor field : message.getFields()) {
        String name = field.getName();
        String where = field.getFullName();
        check(violations, LOWER_SNAKE.matcher(name).matches(), where, "not lower_snake_case");
        for (String token : name.split("_")) {
          check(
              violations,
              !ABBREVIATED_UNITS.contains(token),
              where,
              "abbreviated unit '" + token + "': spell it out");
        }
        if (isNumeric(field)) {
          check(
              violations,
              NUMERIC_FIELD_NAME.matcher(name).matches(),
              where,
              "numeric field must end in a unit (_bytes, _frames, _unix_nanos, ...) or a"
                  + " dimensionless role (_id, _index, _version, _sequence, ...)");
        } else if (!field.isMapField()) {
          check(
              violations,
              !UNIT_SUFFIX.matcher(name).matches(),
              where,
              "unit suffix on a non-numeric field (" + field.getType() + ")");
        }
        if (name.endsWith("_unix_nanos")) {
          check(
              violations,
              field.getType() == FieldDescriptor.Type.FIXED64,
              where,
              "a point in time is fixed64 *_unix_nanos");
        }
        if (name.endsWith("_per_second")) {
          check(
              violations,
              field.getType() == FieldDescriptor.Type.UINT64
                  || field.getType() == FieldDescriptor.Type.DOUBLE,
              where,
              "a rate is uint64 or double");
        }
      }
    }
    assertThat(violations).isEmpty();
  }

  @Test
  void everyElementHasALeadingComment() throws IOException {
    List<String> violations = new ArrayList<>();
    for (FileDescriptorProto file : compiledFiles()) {
      Map<List<Integer>, SourceCodeInfo.Location> locations = new HashMap<>();
      for (SourceCodeInfo.Location location : file.getSourceCodeInfo().getLocationList()) {
        locations.putIfAbsent(location.getPathList(), location);
      }
      assertThat(locations).as(file.getName() + " source info").isNotEmpty();
      for (int i = 0; i < file.getMessageTypeCount(); i++) {
        checkMessageComments(violations, locations, file.getMessageType(i), List.of(4, i), PACKAGE);
      }
      for (int i = 0; i < file.getEnumTypeCount(); i++) {
        checkEnumComments(violations, locations, file.getEnumType(i), List.of(5, i), PACKAGE);
      }
      for (int i = 0; i < file.getServiceCount(); i++) {
        ServiceDescriptorProto service = file.getService(i);
        String name = PACKAGE + "." + service.getName();
        requireComment(violations, locations, List.of(6, i), name);
        for (int j = 0; j < service.getMethodCount(); j++) {
          requireComment(
              violations,
              locations,
              List.of(6, i, 2, j),
              name + "." + service.getMethod(j).getName());
        }
      }
    }
    assertThat(violations).isEmpty();
  }

  private static void checkMessageComments(
      List<String> violations,
      Map<List<Integer>, SourceCodeInfo.Location> locations,
      DescriptorProto message,
      List<Integer> path,
      String scope) {
    if (message.getOptions().getMapEntry()) {
      return; // synthesized by protoc for a map field
    }
    String name = scope + "." + message.getName();
    requireComment(violations, locations, path, name);
    for (int i = 0; i < message.getFieldCount(); i++) {
      requireComment(
          violations, locations, append(path, 2, i), name + "." + message.getField(i).getName());
    }
    for (int i = 0; i < message.getOneofDeclCount(); i++) {
      final int index = i;
      boolean synthetic =
          message.getFieldList().stream()
              .anyMatch(
                  f -> f.hasOneofIndex() && f.getOneofIndex() == index && f.getProto3Optional());
      if (!synthetic) {
        requireComment(
            violations,
            locations,
            append(path, 8, i),
            name + "." + message.getOneofDecl(i).getName());
      }
    }
    for (int i = 0; i < message.getNestedTypeCount(); i++) {
      checkMessageComments(
          violations, locations, message.getNestedType(i), append(path, 3, i), name);
    }
    for (int i = 0; i < message.getEnumTypeCount(); i++) {
      checkEnumComments(violations, locations, message.getEnumType(i), append(path, 4, i), name);
    }
  }

  private static void checkEnumComments(
      List<String> violations,
      Map<List<Integer>, SourceCodeInfo.Location> locations,
      EnumDescriptorProto e,
      List<Integer> path,
      String scope) {
    String name = scope + "." + e.getName();
    requireComment(violations, locations, path, name);
    for (int i = 0; i < e.getValueCount(); i++) {
      requireComment(
          violations, locations, append(path, 2, i), name + "." + e.getValue(i).getName());
    }
  }

  private static void requireComment(
      List<String> violations,
      Map<List<Integer>, SourceCodeInfo.Location> locations,
      List<Integer> path,
      String name) {
    SourceCodeInfo.Location location = locations.get(path);
    check(
        violations,
        location != null && !location.getLeadingComments().isBlank(),
        name,
        "has no leading comment");
  }

  private static List<Integer> append(List<Integer> path, int field, int index) {
    List<Integer> result = new ArrayList<>(path);
    result.add(field);
    result.add(index);
    return result;
  }

  private static void check(List<String> violations, boolean ok, String where, String what) {
    if (!ok) {
      violations.add(where + ": " + what);
    }
  }

  /** The tapwire.v1 files as protoc compiled them, with their comments. */
  private static List<FileDescriptorProto> compiledFiles() throws IOException {
    String location =
        System.getProperty("tapwire.protoset", "target/descriptor-sets/tapwire-v1.protoset");
    FileDescriptorSet set;
    try (InputStream in = Files.newInputStream(Path.of(location))) {
      set = FileDescriptorSet.parseFrom(in);
    }
    List<FileDescriptorProto> files =
        set.getFileList().stream().filter(f -> f.getPackage().equals(PACKAGE)).toList();
    assertThat(files).as("tapwire.v1 files in " + location).isNotEmpty();
    return files;
  }

  /** The generated descriptors of every tapwire.v1 file, found through its outer class. */
  private static List<FileDescriptor> generatedFiles() throws IOException {
    List<FileDescriptor> files = new ArrayList<>();
    for (FileDescriptorProto file : compiledFiles()) {
      String outer =
          file.getOptions().getJavaPackage() + "." + file.getOptions().getJavaOuterClassname();
      try {
        files.add((FileDescriptor) Class.forName(outer).getMethod("getDescriptor").invoke(null));
      } catch (ReflectiveOperationException e) {
        throw new AssertionError("no generated class " + outer + " for " + file.getName(), e);
      }
    }
    return files;
  }

  private static List<Descriptor> allMessages() throws IOException {
    List<Descriptor> messages = new ArrayList<>();
    for (FileDescriptor file : generatedFiles()) {
      file.getMessageTypes().forEach(m -> collectMessages(m, messages));
    }
    return messages;
  }

  private static void collectMessages(Descriptor message, List<Descriptor> into) {
    if (message.getOptions().getMapEntry()) {
      return;
    }
    into.add(message);
    message.getNestedTypes().forEach(m -> collectMessages(m, into));
  }

  private static List<EnumDescriptor> allEnums() throws IOException {
    List<EnumDescriptor> enums = new ArrayList<>();
    for (FileDescriptor file : generatedFiles()) {
      enums.addAll(file.getEnumTypes());
    }
    for (Descriptor message : allMessages()) {
      enums.addAll(message.getEnumTypes());
    }
    return enums;
  }

  private static boolean isNumeric(FieldDescriptor field) {
    return switch (field.getJavaType()) {
      case INT, LONG, FLOAT, DOUBLE -> true;
      default -> false;
    };
  }

  /** Prometheus label values: the enum value name without its prefix, in lower case. */
  private static List<String> labelValues(EnumDescriptor e) {
    String prefix = upperSnake(e.getName()) + "_";
    List<String> labels = new ArrayList<>();
    for (EnumValueDescriptor value : e.getValues()) {
      if (value.getNumber() != 0) {
        String label = value.getName().substring(prefix.length()).toLowerCase(Locale.ROOT);
        assertThat(label).as(value.getFullName()).matches("[a-z][a-z0-9_]*");
        labels.add(label);
      }
    }
    return labels;
  }

  /** PascalCase to UPPER_SNAKE_CASE: DropReason to DROP_REASON. */
  private static String upperSnake(String pascal) {
    return pascal.replaceAll("([a-z0-9])([A-Z])", "$1_$2").toUpperCase(Locale.ROOT);
  }

  /** lower_snake_case to PascalCase: agent_service to AgentService. */
  private static String pascal(String snake) {
    StringBuilder result = new StringBuilder();
    Stream.of(snake.split("_"))
        .forEach(w -> result.append(Character.toUpperCase(w.charAt(0))).append(w.substring(1)));
    return result.toString();
  }
}
