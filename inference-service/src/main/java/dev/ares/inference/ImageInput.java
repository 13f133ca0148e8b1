package dev.ares.inference;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/**
 * Reads the images of {@code image_url} message parts (architecture.md §7): {@code data:} URLs always; {@code http(s)}
 * URLs only when remote images are enabled and the host is allow-listed. The pixel count is read from the image
 * header with an {@link ImageReader} before anything is decoded, so a decompression bomb (a small file declaring a
 * huge canvas) is refused without allocating it.
 */
final class ImageInput {
    /**
     * Limits and switches; validated, so a bad {@code ares.inference.images.*} / {@code remote-images.*} setting
     * fails the start naming the key (reliability.md scenario 18).
     */
    record Settings(long maxPixels, boolean remoteEnabled, List<String> allowedHosts, int maxBytes, Duration timeout) {
        Settings {
            if (maxPixels < 1) {
                throw new IllegalArgumentException("ares.inference.images.max-pixels must be >= 1, got " + maxPixels);
            }
            if (remoteEnabled && allowedHosts.isEmpty()) {
                throw new IllegalArgumentException("ares.inference.remote-images.allowed-hosts is required when"
                        + " ares.inference.remote-images.enabled=true (the hosts image URLs may name)");
            }
            if (remoteEnabled && maxBytes < 1) {
                throw new IllegalArgumentException("ares.inference.remote-images.max-bytes must be >= 1, got " + maxBytes);
            }
        }
    }

    private final Settings settings;

    ImageInput(Settings settings) {
        this.settings = settings;
    }

    /**
     * Decodes the image of one part.
     *
     * @param url   the part's {@code image_url.url}
     * @param param the field named in errors, e.g. {@code messages[0].content[1].image_url}
     * @throws BadRequestException naming {@code param} for a malformed, remote (while disabled), non-image or too large image
     */
    BufferedImage read(String url, String param) {
        return decode(bytes(url, param), param);
    }

    /**
     * The checked image of one part as the encoded bytes a model decodes itself: as {@link #read}, which it runs
     * (format, header pixel limit, decodability), but returns the bytes.
     *
     * @throws BadRequestException as {@link #read}
     */
    byte[] checkedBytes(String url, String param) {
        byte[] b = bytes(url, param);
        decode(b, param);
        return b;
    }

    private byte[] bytes(String url, String param) {
        if (url == null || url.isBlank()) {
            throw new BadRequestException(param, "'" + param + ".url' is required");
        }
        byte[] bytes;
        String lower = url.toLowerCase(Locale.ROOT);
        if (lower.startsWith("data:")) {
            bytes = dataUrl(url, param);
        } else if (lower.startsWith("http://") || lower.startsWith("https://")) {
            bytes = remote(url, param);
        } else {
            throw new BadRequestException(param, "'" + param + "' must be a data: URL (or an http(s) URL when remote images are enabled)");
        }
        return bytes;
    }

    private static byte[] dataUrl(String url, String param) {
        int comma = url.indexOf(',');
        if (comma < 0) {
            throw new BadRequestException(param, "'" + param + "' is not a valid data URL (no comma)");
        }
        String meta = url.substring(5, comma).toLowerCase(Locale.ROOT);
        if (!meta.endsWith(";base64")) {
            throw new BadRequestException(param, "'" + param + "' data URL must be base64-encoded");
        }
        if (!meta.startsWith("image/")) {
            throw new BadRequestException(param, "'" + param + "' data URL has media type '" + meta.replace(";base64", "")
                    + "', expected image/*");
        }
        try {
            return Base64.getMimeDecoder().decode(url.substring(comma + 1));
        } catch (IllegalArgumentException e) {
            throw new BadRequestException(param, "'" + param + "' data URL is not valid base64: " + e.getMessage());
        }
    }

    private byte[] remote(String url, String param) {
        if (!settings.remoteEnabled()) {
            throw new BadRequestException(param, "remote image URLs are disabled on this server"
                    + " (ares.inference.remote-images.enabled); send the image as a data: URL");
        }
        URI uri;
        try {
            uri = URI.create(url);
        } catch (IllegalArgumentException e) {
            throw new BadRequestException(param, "'" + param + "' is not a valid URL");
        }
        String host = uri.getHost() == null ? "" : uri.getHost().toLowerCase(Locale.ROOT);
        if (!settings.allowedHosts().contains(host)) {
            throw new BadRequestException(param, "image host '" + host + "' is not in ares.inference.remote-images.allowed-hosts");
        }
        HttpClient client = HttpClient.newBuilder().connectTimeout(settings.timeout())
                .followRedirects(HttpClient.Redirect.NEVER).build();
        try {
            HttpResponse<InputStream> r = client.send(HttpRequest.newBuilder(uri).timeout(settings.timeout()).GET().build(),
                    HttpResponse.BodyHandlers.ofInputStream());
            try (InputStream in = r.body()) {
                if (r.statusCode() != 200) {
                    throw new BadRequestException(param, "fetching the image at " + url + " answered HTTP " + r.statusCode());
                }
                byte[] b = in.readNBytes(settings.maxBytes() + 1);
                if (b.length > settings.maxBytes()) {
                    throw new BadRequestException(param, "the image at " + url + " is larger than " + settings.maxBytes() + " bytes");
                }
                return b;
            }
        } catch (IOException e) {
            throw new BadRequestException(param, "fetching the image at " + url + " failed: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BadRequestException(param, "fetching the image at " + url + " was interrupted");
        }
    }

    private BufferedImage decode(byte[] bytes, String param) {
        try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(bytes))) {
            Iterator<ImageReader> readers = in == null ? null : ImageIO.getImageReaders(in);
            if (readers == null || !readers.hasNext()) {
                throw new BadRequestException(param, "'" + param + "' is not an image in a supported format (PNG, JPEG, GIF, BMP)");
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(in, true, true);
                long w = reader.getWidth(0);
                long h = reader.getHeight(0);
                if (w < 1 || h < 1) {
                    throw new BadRequestException(param, "'" + param + "' declares an empty image (" + w + "x" + h + ")");
                }
                if (w * h > settings.maxPixels()) {
                    throw new BadRequestException(param, "'" + param + "' is " + w + "x" + h + " = " + (w * h)
                            + " pixels, over the limit of " + settings.maxPixels() + " (ares.inference.images.max-pixels)");
                }
                BufferedImage img = reader.read(0);
                if (img == null) {
                    throw new BadRequestException(param, "'" + param + "' could not be decoded");
                }
                return img;
            } finally {
                reader.dispose();
            }
        } catch (IOException | RuntimeException e) {
            if (e instanceof BadRequestException b) {
                throw b;
            }
            throw new BadRequestException(param, "'" + param + "' is not a decodable image: " + e.getMessage());
        }
    }
}
