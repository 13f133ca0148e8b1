package dev.ares.cli;

import picocli.CommandLine;

/**
 * Manual-testing entry point: {@code ares} with the kafka and topics commands registered, for use
 * before (or independently of) their registration in {@link AresCli}. Test scope only.
 */
public final class KafkaTopicsDevMain {

    private KafkaTopicsDevMain() {
    }

    /** @param args as for {@code ./ares}, e.g. {@code kafka status} */
    public static void main(String[] args) {
        CommandLine cl = AresCli.commandLine();
        if (!cl.getSubcommands().containsKey("kafka")) {
            cl.addSubcommand(new KafkaCommand());
        }
        if (!cl.getSubcommands().containsKey("topics")) {
            cl.addSubcommand(new TopicsCommand());
        }
        System.exit(cl.execute(args));
    }
}
