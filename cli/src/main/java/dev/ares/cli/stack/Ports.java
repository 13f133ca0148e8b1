package dev.ares.cli.stack;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/** Checks that a loopback port is free before a process of ours is started on it. */
public final class Ports {
    private Ports() {
    }

    /**
     * @throws IllegalStateException naming the port and its intended user when something already listens there
     */
    public static void requireFree(int port, String forWhat) {
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(true); // connections in TIME_WAIT do not count: only a listener does
            s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        } catch (IOException e) {
            throw new IllegalStateException("port " + port + " on 127.0.0.1 is already in use (needed by " + forWhat
                    + "); stop what listens there or choose other ports with --base-port");
        }
    }
}
