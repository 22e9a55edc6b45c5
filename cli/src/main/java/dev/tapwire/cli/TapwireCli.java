package dev.tapwire.cli;

/** Entry point of the {@code tapwire} command. */
public final class TapwireCli {
  private TapwireCli() {}

  public static void main(String[] args) {
    System.out.println("tapwire");
  }
}
