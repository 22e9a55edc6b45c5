package dev.tapwire.cli;

import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.ParseResult;

/**
 * Turns a failure into one clear line on stderr and exit code 1, instead of a stack trace. {@link
 * UserFacingException} carries messages written for the user; anything else is unexpected and keeps
 * its type in the line.
 */
final class OneLineErrorHandler implements IExecutionExceptionHandler {
  static final int EXIT_FAILURE = 1;

  @Override
  public int handleExecutionException(
      Exception exception, CommandLine commandLine, ParseResult parseResult) {
    String message =
        exception instanceof UserFacingException
            ? exception.getMessage()
            : exception.getClass().getSimpleName() + ": " + exception.getMessage();
    commandLine.getErr().println(commandLine.getCommandName() + ": " + message);
    return EXIT_FAILURE;
  }
}
