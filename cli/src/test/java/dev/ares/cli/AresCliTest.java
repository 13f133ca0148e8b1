package dev.ares.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ares.cli.stack.Ports;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import picocli.CommandLine;
import org.junit.jupiter.api.Test;

/** The launcher's answers to bad input: usage for an unknown subcommand, the port number for a port in use. */
class AresCliTest {

    private static int run(StringWriter out, StringWriter err, String... args) {
        CommandLine cli = AresCli.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        return cli.execute(args);
    }

    @Test
    void unknownSubcommandPrintsUsageAndExitsWithTwo() {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        assertEquals(2, run(out, err, "fly-to-the-moon"));
        assertTrue(err.toString().contains("Unmatched argument") && err.toString().contains("Usage: ares"), err.toString());
    }

    @Test
    void helpListsEveryCommand() {
        StringWriter out = new StringWriter();
        assertEquals(0, run(out, new StringWriter(), "help"));
        for (String c : new String[] {"up", "down", "kafka", "topics", "generate", "score", "curate", "bench", "eval"}) {
            assertTrue(out.toString().contains("  " + c), "help lists " + c + ":\n" + out);
        }
    }

    @Test
    void portInUseIsNamed() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> Ports.requireFree(s.getLocalPort(), "test"));
            assertTrue(e.getMessage().contains("port " + s.getLocalPort()), e.getMessage());
        }
    }
}
