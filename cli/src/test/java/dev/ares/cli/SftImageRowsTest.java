package dev.ares.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ares.model.weights.SafetensorsFile;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code ./ares sft --data FILE} with image rows (issue 8 item 4, docs/vision.md "SFT from a file with images"): rows
 * naming PNG paths and rows carrying the PNG bytes train the demo Qwen2.5-VL; with weight decay 0 the vision tower's
 * weights move only when image rows reach the model (a text-only file leaves them bit-identical), and the loss falls.
 * A text-only model refuses image rows under {@code --bad-rows fail} and skips them, counted, under {@code skip}.
 */
class SftImageRowsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    private record Run(int code, String out, String err) {
    }

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = AresCli.commandLine();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        int code = cli.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    private static byte[] png(Color fill, Color mark) throws IOException {
        BufferedImage img = new BufferedImage(56, 56, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setColor(fill);
        g.fillRect(0, 0, 56, 56);
        g.setColor(mark);
        g.fillRect(14, 14, 20, 28);
        g.dispose();
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        ImageIO.write(img, "png", b);
        return b.toByteArray();
    }

    /** Two rows with PNG paths (problem layout), two with base64 bytes (messages layout), two text rows. */
    private Path data(boolean withImages) throws IOException {
        Files.createDirectories(tmp.resolve("img"));
        Files.write(tmp.resolve("img/red.png"), png(Color.RED, Color.WHITE));
        Files.write(tmp.resolve("img/blue.png"), png(Color.BLUE, Color.BLACK));
        List<String> lines = new ArrayList<>();
        if (withImages) {
            for (String colour : List.of("red", "blue")) {
                ObjectNode o = JSON.createObjectNode();
                o.put("id", "path-" + colour);
                o.putArray("images").add("img/" + colour + ".png");
                o.put("problem", "<image>Which colour fills the picture?");
                o.put("response", "It is " + colour + ".");
                lines.add(JSON.writeValueAsString(o));
            }
            for (Color[] c : List.of(new Color[] {Color.GREEN, Color.RED}, new Color[] {Color.YELLOW, Color.BLUE})) {
                String colour = c[0].equals(Color.GREEN) ? "green" : "yellow";
                ObjectNode o = JSON.createObjectNode();
                o.put("id", "bytes-" + colour);
                o.putArray("images").addObject().put("bytes", Base64.getEncoder().encodeToString(png(c[0], c[1])));
                ArrayNode msgs = o.putArray("messages");
                ObjectNode user = msgs.addObject();
                user.put("role", "user");
                ArrayNode parts = user.putArray("content");
                parts.addObject().put("type", "image");
                parts.addObject().put("type", "text").put("text", "Which colour fills the picture?");
                msgs.addObject().put("role", "assistant").put("content", "It is " + colour + ".");
                lines.add(JSON.writeValueAsString(o));
            }
        }
        for (int a = 1; a <= 2; a++) {
            ObjectNode o = JSON.createObjectNode();
            o.put("problem", "What is " + a + " + 1?");
            o.put("response", "It is " + (a + 1) + ".");
            lines.add(JSON.writeValueAsString(o));
        }
        Path f = tmp.resolve(withImages ? "images.jsonl" : "text.jsonl");
        Files.write(f, lines);
        return f;
    }

    private static Run sft(Path data, Path out, String... extra) {
        List<String> args = new ArrayList<>(List.of("sft", "--init", "demo-vl", "--data", data.toString(), "--out",
                out.toString(), "--steps", "8", "--batch", "6", "--lr", "3e-3", "--warmup", "0", "--weight-decay", "0",
                "--threads", "1", "--checkpoint-every", "100", "--max-len", "512"));
        args.addAll(List.of(extra));
        return run(args.toArray(String[]::new));
    }

    private static double[] losses(Path out) throws IOException {
        List<String> lines = Files.readAllLines(out.resolve("sft-log.csv"));
        double[] l = new double[lines.size() - 1];
        for (int i = 1; i < lines.size(); i++) {
            l[i - 1] = Double.parseDouble(lines.get(i).split(",")[1]);
        }
        return l;
    }

    /** Whether any {@code visual.*} tensor of the trained model differs from the base model's, byte for byte. */
    private static boolean visionMoved(Path out) {
        try (SafetensorsFile base = SafetensorsFile.open(out.resolve("base/model.safetensors"));
             SafetensorsFile trained = SafetensorsFile.open(out.resolve("model.safetensors"))) {
            int compared = 0;
            boolean moved = false;
            for (String name : base.names()) {
                if (!name.startsWith("visual.")) {
                    continue;
                }
                compared++;
                ByteBuffer a = base.bytes(name);
                ByteBuffer b = trained.bytes(trained.contains(name) ? name : "model." + name);
                moved |= !a.equals(b);
            }
            assertTrue(compared > 10, "the demo VL model has vision tensors: " + compared);
            return moved;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void imageRowsWithPathsAndBytesTrainTheVisionLanguageModel() throws IOException {
        Path out = tmp.resolve("vl");
        Run r = sft(data(true), out);
        assertEquals(0, r.code(), r.err());
        assertTrue(r.err().contains("2 text rows, 4 image rows used"), r.err());
        assertTrue(r.err().contains("sft: 6 examples"), r.err());
        double[] loss = losses(out);
        assertEquals(8, loss.length);
        System.out.printf("sft with image rows: loss %.4f -> %.4f%n", loss[0], loss[loss.length - 1]);
        assertTrue(loss[loss.length - 1] < loss[0], "loss falls: " + java.util.Arrays.toString(loss));
        assertTrue(visionMoved(out), "image rows reach the vision tower");

        // control: the same run on the text rows alone leaves the (trainable) vision tower untouched
        Path textOut = tmp.resolve("text");
        Run t = sft(data(false), textOut);
        assertEquals(0, t.code(), t.err());
        assertTrue(t.err().contains("sft: 2 examples"), t.err());
        assertTrue(!visionMoved(textOut), "without image rows no gradient reaches the vision tower");
    }

    @Test
    void aTextOnlyModelRefusesOrSkipsImageRows() throws IOException {
        Path data = data(true);
        Path model = GenerateCommandTest.fixture("qwen2-tiny");
        Run fail = run("sft", "--model", model.toString(), "--data", data.toString(), "--out",
                tmp.resolve("fail").toString(), "--steps", "1", "--batch", "2", "--threads", "1");
        assertNotEquals(0, fail.code());
        assertTrue(fail.err().contains("4 rows carry images (the first at line 1)"), fail.err());
        assertTrue(fail.err().contains("--bad-rows skip"), fail.err());
        Run skip = run("sft", "--model", model.toString(), "--data", data.toString(), "--out",
                tmp.resolve("skip").toString(), "--steps", "1", "--batch", "2", "--threads", "1", "--bad-rows", "skip");
        assertEquals(0, skip.code(), skip.err());
        assertTrue(skip.err().contains("2 text rows, 4 image rows skipped (text-only model)"), skip.err());
        assertTrue(skip.err().contains("sft: 2 examples"), skip.err());
    }
}
