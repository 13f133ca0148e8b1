package dev.ares.inference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code image_url} parts (issue 7, docs/inference.md "Images"): remote URLs are refused while disabled, fetched from
 * allow-listed hosts only when enabled (no redirects, byte limit), and every image is checked against the pixel limit
 * from its header. The remote source is a JDK HTTP server on loopback serving the Qwen2.5-VL fixture image.
 */
class ImageInputTest {
    private static final int MAX_BYTES = 50_000;
    private static HttpServer server;
    private static byte[] png;
    private static String base;

    @BeforeAll
    static void serve() throws IOException {
        png = Files.readAllBytes(RealModelProfile.fixture().resolve("../qwen2_5_vl-tiny/aligned.png").normalize());
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/cat.png", x -> reply(x, 200, png));
        server.createContext("/moved", x -> {
            x.getResponseHeaders().add("Location", "/cat.png");
            reply(x, 302, new byte[0]);
        });
        server.createContext("/huge", x -> reply(x, 200, new byte[MAX_BYTES + 1]));
        server.start();
        base = "http://127.0.0.1:" + server.getAddress().getPort();
    }

    private static void reply(com.sun.net.httpserver.HttpExchange x, int status, byte[] body) throws IOException {
        x.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        try (OutputStream out = x.getResponseBody()) {
            out.write(body);
        }
    }

    @AfterAll
    static void stop() {
        server.stop(0);
    }

    private static ImageInput input(boolean remote, List<String> hosts, long maxPixels) {
        return new ImageInput(new ImageInput.Settings(maxPixels, remote, hosts, MAX_BYTES, Duration.ofSeconds(5)));
    }

    private static BadRequestException refused(ImageInput in, String url) {
        return assertThrows(BadRequestException.class, () -> in.read(url, "messages[0].content[1].image_url"));
    }

    @Test
    void remoteUrlIsRefusedWhileDisabledWithoutFetching() {
        BadRequestException e = refused(input(false, List.of("127.0.0.1"), 1_000_000), base + "/cat.png");
        assertEquals("messages[0].content[1].image_url", e.param());
        assertEquals(400, e.status());
        assertTrue(e.getMessage().contains("remote image URLs are disabled"), e.getMessage());
    }

    @Test
    void enabledRemoteImageFromAnAllowedHostIsTheSameImage() throws IOException {
        BufferedImage expected = ImageIO.read(new java.io.ByteArrayInputStream(png));
        BufferedImage got = input(true, List.of("127.0.0.1"), 1_000_000).read(base + "/cat.png", "p");
        assertEquals(expected.getWidth(), got.getWidth());
        assertEquals(expected.getHeight(), got.getHeight());
        for (int y = 0; y < expected.getHeight(); y += 7) {
            for (int x = 0; x < expected.getWidth(); x += 7) {
                assertEquals(expected.getRGB(x, y), got.getRGB(x, y), "pixel " + x + "," + y);
            }
        }
    }

    @Test
    void enabledRemoteImageIsRefusedFromOtherHostsOnRedirectAndOverTheByteLimit() {
        ImageInput in = input(true, List.of("127.0.0.1"), 1_000_000);
        String port = Integer.toString(server.getAddress().getPort());
        BadRequestException host = refused(in, "http://localhost:" + port + "/cat.png");
        assertTrue(host.getMessage().contains("'localhost' is not in ares.inference.remote-images.allowed-hosts"), host.getMessage());
        BadRequestException moved = refused(in, base + "/moved");
        assertTrue(moved.getMessage().contains("answered HTTP 302"), moved.getMessage());
        BadRequestException huge = refused(in, base + "/huge");
        assertTrue(huge.getMessage().contains("larger than " + MAX_BYTES + " bytes"), huge.getMessage());
    }

    @Test
    void pixelLimitIsCheckedOnDataAndRemoteImages() throws IOException {
        BufferedImage img = ImageIO.read(new java.io.ByteArrayInputStream(png));
        long pixels = (long) img.getWidth() * img.getHeight();
        ImageInput tight = input(true, List.of("127.0.0.1"), pixels - 1);
        String data = "data:image/png;base64," + Base64.getEncoder().encodeToString(png);
        for (String url : new String[] {data, base + "/cat.png"}) {
            BadRequestException e = refused(tight, url);
            assertTrue(e.getMessage().contains(pixels + " pixels, over the limit of " + (pixels - 1)), e.getMessage());
        }
        assertEquals(img.getWidth(), input(false, List.of(), pixels).read(data, "p").getWidth());
    }
}
