package dev.shoal.core.cli;

import dev.shoal.core.config.ConfigException;
import java.io.IOException;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.ExitCode;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * How the CLI reports errors: one line, {@code shoal agent: what went wrong (the fix)}. Usage and
 * configuration errors exit with 2; failures to start or run exit with 1.
 */
public final class CliErrors {
  private CliErrors() {}

  public static CommandLine configure(CommandLine cli) {
    cli.setParameterExceptionHandler(CliErrors::usageError);
    cli.setExecutionExceptionHandler(CliErrors::failure);
    return cli;
  }

  private static int usageError(ParameterException ex, String[] args) {
    CommandLine cli = ex.getCommandLine();
    String name = cli.getCommandSpec().qualifiedName();
    String help = cli.getSubcommands().containsKey("help") ? name + " help" : name + " --help";
    String message = oneLine(ex.getMessage());
    if (ex instanceof UnmatchedArgumentException
        && !cli.getSubcommands().isEmpty()
        && !((UnmatchedArgumentException) ex).getUnmatched().isEmpty()) {
      String word = ((UnmatchedArgumentException) ex).getUnmatched().get(0);
      if (!word.startsWith("-")) {
        message = "unknown command \"" + word + "\"";
      }
    }
    cli.getErr().println(name + ": " + message + " (run: " + help + ")");
    return ExitCode.USAGE;
  }

  private static int failure(Exception ex, CommandLine cli, ParseResult parsed) {
    String name = cli.getCommandSpec().qualifiedName();
    PrintWriter err = cli.getErr();
    if (ex instanceof ConfigException) {
      err.println(name + ": " + oneLine(ex.getMessage()));
      return ExitCode.USAGE;
    }
    if (ex instanceof IOException || ex instanceof FailureException) {
      err.println(name + ": " + oneLine(ex.getMessage()));
      return ExitCode.SOFTWARE;
    }
    // A bug: the stack trace is what its fixer needs.
    err.println(name + ": internal error: " + ex);
    ex.printStackTrace(err);
    return ExitCode.SOFTWARE;
  }

  private static String oneLine(String message) {
    return message == null ? "" : message.strip().replaceAll("\\s*\\R\\s*", "; ");
  }

  /** A failure whose message is the whole story, e.g. "origin did not become ready within 60s". */
  public static final class FailureException extends Exception {
    private static final long serialVersionUID = 1L;

    public FailureException(String message) {
      super(message);
    }
  }
}
