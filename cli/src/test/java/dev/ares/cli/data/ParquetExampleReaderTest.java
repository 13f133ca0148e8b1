package dev.ares.cli.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ares.core.data.BadRowPolicy;
import dev.ares.core.data.DatasetExample;
import dev.ares.core.data.DatasetFormatException;
import dev.ares.core.tasks.BarChartFamily;
import dev.ares.core.tasks.TableReadFamily;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.SimpleGroupFactory;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.example.ExampleParquetWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.LocalOutputFile;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.MessageTypeParser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Parquet files in the Hugging Face / EasyR1 layout, written here with images and broken rows. */
class ParquetExampleReaderTest {

    /** The schema the Hugging Face datasets library writes for {problem, answer, images: Sequence(Image())}. */
    static final MessageType HF = MessageTypeParser.parseMessageType("""
            message hf {
              optional binary id (STRING);
              optional binary problem (STRING);
              optional binary answer (STRING);
              optional group images (LIST) {
                repeated group list {
                  optional group element {
                    optional binary bytes;
                    optional binary path (STRING);
                  }
                }
              }
            }""");

    @TempDir
    Path dir;

    private final byte[] png = new BarChartFamily().generate(2, 5).problem().image();
    private final byte[] png2 = new TableReadFamily().generate(1, 5).problem().image();

    /** One row; image entries are {bytes, path} pairs, either may be null. */
    private record Row(String id, String problem, String answer, List<Object[]> images) {
    }

    private Path write(String name, List<Row> rows, CompressionCodecName codec) throws IOException {
        Path f = dir.resolve(name);
        SimpleGroupFactory gf = new SimpleGroupFactory(HF);
        try (ParquetWriter<Group> w = ExampleParquetWriter.builder(new LocalOutputFile(f))
                .withConf(new PlainParquetConfiguration()).withType(HF).withCodecFactory(new ParquetCodecs())
                .withCompressionCodec(codec).build()) {
            for (Row r : rows) {
                Group g = gf.newGroup();
                if (r.id() != null) {
                    g.append("id", r.id());
                }
                if (r.problem() != null) {
                    g.append("problem", r.problem());
                }
                if (r.answer() != null) {
                    g.append("answer", r.answer());
                }
                if (r.images() != null) {
                    Group list = g.addGroup("images");
                    for (Object[] img : r.images()) {
                        Group el = list.addGroup("list").addGroup("element");
                        if (img[0] != null) {
                            el.append("bytes", Binary.fromConstantByteArray((byte[]) img[0]));
                        }
                        if (img[1] != null) {
                            el.append("path", (String) img[1]);
                        }
                    }
                }
                w.write(g);
            }
        }
        return f;
    }

    private List<Row> mixedRows() throws IOException {
        Files.createDirectories(dir.resolve("img"));
        Files.write(dir.resolve("img/t.png"), png2);
        List<Row> rows = new ArrayList<>();
        rows.add(new Row("r1", "What is 4 + 5?", "9", null));                                                   // 1
        rows.add(new Row("r2", "<image>What is the tallest bar's value?", "8", List.<Object[]>of(new Object[]{png, "chart.png"}))); // 2
        rows.add(new Row(null, "<image>What is in B2?", "3", List.<Object[]>of(new Object[]{null, "img/t.png"})));  // 3
        rows.add(new Row("r4", "What is 1 + 1?", null, null));                                                  // 4: no answer
        rows.add(new Row("r5", "<image>x", "1", List.<Object[]>of(new Object[]{"garbage".getBytes(StandardCharsets.UTF_8), null}))); // 5
        rows.add(new Row("r6", "<image>x", "1", List.<Object[]>of(new Object[]{null, "img/none.png"})));        // 6
        rows.add(new Row("r7", null, "1", null));                                                               // 7: no problem
        rows.add(new Row("r8", "What is 7 - 2?", "5", List.of()));                                             // 8
        return rows;
    }

    @Test
    void readsImagesAsBytesOrPathsAndSkipsBrokenRecordsByNumber() throws Exception {
        Path f = write("mixed.parquet", mixedRows(), CompressionCodecName.SNAPPY);
        List<DatasetExample> good = new ArrayList<>();
        List<DatasetFormatException> bad = new ArrayList<>();
        try (ParquetExampleReader r = new ParquetExampleReader(f, BadRowPolicy.SKIP, bad::add)) {
            r.forEachRemaining(good::add);
            assertEquals(4, r.skippedRows());
        }
        assertEquals(List.of(1L, 2L, 3L, 8L), good.stream().map(DatasetExample::row).toList());
        assertEquals(List.of(4L, 5L, 6L, 7L), bad.stream().map(DatasetFormatException::row).toList());
        assertEquals(List.of("answer", "images[0]", "images[0]", "problem"), bad.stream().map(DatasetFormatException::field).toList());
        assertTrue(bad.get(0).getMessage().contains("mixed.parquet:4"), bad.get(0).getMessage());

        assertEquals("r1", good.get(0).id());
        assertEquals("9", good.get(0).answer());
        assertTrue(good.get(0).images().isEmpty());
        assertArrayEquals(png, good.get(1).images().get(0).bytes());
        assertEquals("image/png", good.get(1).images().get(0).mime());
        assertEquals("chart.png", good.get(1).images().get(0).path(), "inline bytes win; the path is kept as a name");
        assertArrayEquals(png2, good.get(2).images().get(0).bytes());
        assertEquals("mixed.parquet:3", good.get(2).id());
        assertTrue(good.get(3).images().isEmpty());
    }

    @Test
    void failPolicyThrowsAtTheFirstBrokenRecordAfterStreamingTheGoodOnes() throws Exception {
        Path f = write("fail.parquet", mixedRows(), CompressionCodecName.UNCOMPRESSED);
        try (ParquetExampleReader r = new ParquetExampleReader(f, BadRowPolicy.FAIL, e -> { })) {
            assertEquals(1, r.next().row());
            assertEquals(2, r.next().row());
            assertEquals(3, r.next().row());
            DatasetFormatException e = assertThrows(DatasetFormatException.class, r::next);
            assertEquals(4, e.row());
            assertEquals("answer", e.field());
        }
    }

    @ParameterizedTest
    @EnumSource(value = CompressionCodecName.class, names = {"UNCOMPRESSED", "SNAPPY", "GZIP", "ZSTD", "LZ4_RAW"})
    void everySupportedCodecRoundTrips(CompressionCodecName codec) throws Exception {
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            rows.add(new Row("id" + i, "<image>What is " + i + " + 1?", Integer.toString(i + 1),
                    List.<Object[]>of(new Object[]{png, null})));
        }
        Path f = write("c-" + codec + ".parquet", rows, codec);
        int n = 0;
        try (ParquetExampleReader r = new ParquetExampleReader(f, BadRowPolicy.FAIL, e -> { })) {
            while (r.hasNext()) {
                DatasetExample e = r.next();
                assertEquals(Integer.toString(n + 1), e.answer());
                assertArrayEquals(png, e.images().get(0).bytes());
                assertNull(e.images().get(0).path());
                n++;
            }
        }
        assertEquals(300, n);
    }

    @Test
    void promptFieldAndNumericAnswersAreAccepted() throws Exception {
        MessageType schema = MessageTypeParser.parseMessageType(
                "message m { required binary prompt (STRING); required int64 answer; optional binary data_source (STRING); }");
        Path f = dir.resolve("prompt.parquet");
        try (ParquetWriter<Group> w = ExampleParquetWriter.builder(new LocalOutputFile(f))
                .withConf(new PlainParquetConfiguration()).withType(schema).withCodecFactory(new ParquetCodecs())
                .withCompressionCodec(CompressionCodecName.ZSTD).build()) {
            w.write(new SimpleGroupFactory(schema).newGroup().append("prompt", "What is 6 × 7?").append("answer", 42L)
                    .append("data_source", "orcamath"));
        }
        try (ParquetExampleReader r = new ParquetExampleReader(f, BadRowPolicy.FAIL, e -> { })) {
            DatasetExample e = r.next();
            assertEquals("What is 6 × 7?", e.prompt());
            assertEquals("42", e.answer());
            assertEquals("orcamath", e.source());
        }
    }

    @Test
    void aFileThatIsNotParquetIsRejectedWhole() throws Exception {
        Path f = dir.resolve("fake.parquet");
        Files.writeString(f, "{\"problem\":\"not parquet\"}\n");
        IOException e = assertThrows(IOException.class, () -> new ParquetExampleReader(f, BadRowPolicy.SKIP, x -> { }));
        assertTrue(e.getMessage().contains("fake.parquet"), e.getMessage());
        assertThrows(IOException.class, () -> new ParquetExampleReader(dir.resolve("absent.parquet"), BadRowPolicy.SKIP, x -> { }));
    }

    @Test
    void datasetFilesPicksTheReaderByExtension() throws Exception {
        Path pq = write("pick.parquet", List.of(new Row("a", "What is 2 + 2?", "4", null)), CompressionCodecName.SNAPPY);
        Path jl = dir.resolve("pick.jsonl");
        Files.writeString(jl, "{\"problem\":\"What is 3 + 3?\",\"answer\":\"6\"}\n");
        try (var r = DatasetFiles.open(pq, BadRowPolicy.FAIL, e -> { })) {
            assertTrue(r instanceof ParquetExampleReader);
            assertEquals("4", r.next().answer());
        }
        try (var r = DatasetFiles.open(jl, BadRowPolicy.FAIL, e -> { })) {
            assertEquals("6", r.next().answer());
        }
        Path csv = dir.resolve("x.csv");
        Files.writeString(csv, "a,b\n");
        DatasetFormatException e = assertThrows(DatasetFormatException.class, () -> DatasetFiles.open(csv, BadRowPolicy.SKIP, x -> { }));
        assertTrue(e.getMessage().contains("x.csv"), e.getMessage());
    }

    @Test
    void unsupportedCodecsAreNamed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new ParquetCodecs().getDecompressor(CompressionCodecName.BROTLI));
        assertTrue(e.getMessage().contains("BROTLI"));
    }
}
