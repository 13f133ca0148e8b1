package dev.ares.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The one command line of ARES on Quarkus ({@code ./ares}). Every subcommand is a class of this package;
 * {@code ./ares help} lists them. Exit codes: 0 success, 1 a failure reported on stderr, 2 bad usage.
 */
@Command(name = "ares", mixinStandardHelpOptions = true, version = "ares 0.1.0",
        description = "ARES on Quarkus: train (AdaCS cold start + AEPO) and serve adaptive-reasoning models.",
        subcommands = {
            CommandLine.HelpCommand.class,
            UpCommand.class,
            DownCommand.class,
            KafkaCommand.class,
            TopicsCommand.class,
            GenerateCommand.class,
            ScoreCommand.class,
            CurateCommand.class,
            BenchCommand.class,
            EvalCommand.class,
            SftCommand.class,
            MergeCommand.class,
            ServeCommand.class,
            BenchServeCommand.class,
            ChatCommand.class,
            dev.ares.cli.demo.DemoCommand.class,
            dev.ares.cli.experiment.ExperimentCommand.class,
            dev.ares.cli.soak.SoakCommand.class,
        })
public final class AresCli implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    /**
     * Builds the command line: bad usage (an unknown subcommand or option) prints the error, suggestions and the
     * usage, exit 2; a failure prints a clear one-line message instead of a stack trace, exit 1.
     */
    public static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new AresCli());
        cli.setParameterExceptionHandler((ex, args) -> {
            CommandLine c = ex.getCommandLine();
            c.getErr().println("ares: " + ex.getMessage());
            CommandLine.UnmatchedArgumentException.printSuggestions(ex, c.getErr());
            c.usage(c.getErr());
            return 2;
        });
        cli.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            cmd.getErr().println("ares " + cmd.getCommandName() + ": " + message(ex));
            if (Boolean.getBoolean("ares.debug")) {
                ex.printStackTrace(cmd.getErr());
            }
            return 1;
        });
        return cli;
    }

    private static String message(Throwable ex) {
        String m = ex.getMessage();
        return m == null || m.isBlank() ? ex.getClass().getSimpleName() : m;
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }
}
