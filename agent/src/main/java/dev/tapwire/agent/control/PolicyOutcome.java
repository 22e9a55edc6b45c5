package dev.tapwire.agent.control;

/**
 * What became of one policy version on this agent.
 *
 * @param applied whether the agent now captures under it
 * @param errorMessage why it was rejected (names the setting and the value); empty if applied
 * @param exportSourceAddress the outer source address of the tunnel packets under the policy in
 *     force afterwards, or empty if unknown
 */
public record PolicyOutcome(boolean applied, String errorMessage, String exportSourceAddress) {
  public static PolicyOutcome applied(String exportSourceAddress) {
    return new PolicyOutcome(true, "", exportSourceAddress);
  }

  public static PolicyOutcome rejected(String errorMessage, String exportSourceAddress) {
    return new PolicyOutcome(false, errorMessage, exportSourceAddress);
  }
}
