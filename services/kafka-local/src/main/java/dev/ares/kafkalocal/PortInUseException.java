package dev.ares.kafkalocal;

/** The port asked for the local broker is already bound on 127.0.0.1 by another process. */
public class PortInUseException extends BrokerStartException {

    private final int port;

    /**
     * @param port   the TCP port that is taken
     * @param detail extra context (may be empty)
     */
    public PortInUseException(int port, String detail) {
        super("port " + port + " on 127.0.0.1 is already in use" + (detail.isEmpty() ? "" : ": " + detail)
                + " (stop whatever listens there, or choose another port, e.g. --port 0 for a free one)");
        this.port = port;
    }

    /** The port that is taken. */
    public int port() {
        return port;
    }
}
