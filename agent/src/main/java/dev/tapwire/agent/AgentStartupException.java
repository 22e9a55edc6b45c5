package dev.tapwire.agent;

/** The agent cannot start; the message is one line for the user, naming the bad setting. */
public final class AgentStartupException extends Exception {
  private static final long serialVersionUID = 1L;

  public AgentStartupException(String message) {
    super(message);
  }

  public AgentStartupException(String message, Throwable cause) {
    super(message, cause);
  }
}
