package dev.ares.cli.data;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ares.core.data.BadRowPolicy;
import dev.ares.core.data.ExampleReader;
import dev.ares.core.tasks.Curriculum;
import dev.ares.core.tasks.Problem;
import dev.ares.core.tasks.Split;
import dev.ares.core.tasks.Task;
import java.io.BufferedWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
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

/**
 * Prints how fast the dataset readers stream EasyR1/ARES rows: writes {@code n} curriculum problems (every image
 * family problem with its PNG inline) as JSONL (base64 images) and as SNAPPY Parquet (Hugging Face image structs) to a
 * temporary folder, then times a full read of each. A main class, not a test (docs/benchmarks.md).
 *
 * <p>Usage: {@code java -cp <cli classpath> dev.ares.cli.data.DatasetReadBenchmark [rows]} (default 20000).
 */
public final class DatasetReadBenchmark {

    private static final MessageType HF = MessageTypeParser.parseMessageType("message hf { optional binary id (STRING); "
            + "optional binary problem (STRING); optional binary answer (STRING); optional group images (LIST) { "
            + "repeated group list { optional group element { optional binary bytes; optional binary path (STRING); } } } }");

    private DatasetReadBenchmark() {
    }

    /** Runs the benchmark. */
    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 20000;
        List<Task> tasks = Curriculum.all().take(Split.TRAIN, 1, n);
        Path dir = Files.createTempDirectory("ares-dataset-bench");
        Path jsonl = dir.resolve("bench.jsonl");
        Path parquet = dir.resolve("bench.parquet");
        ObjectMapper json = new ObjectMapper();
        try (BufferedWriter w = Files.newBufferedWriter(jsonl)) {
            for (Task t : tasks) {
                Problem p = t.problem();
                var o = json.createObjectNode().put("id", p.id()).put("problem", (p.hasImage() ? "<image>" : "") + p.prompt())
                        .put("answer", p.answer());
                if (p.hasImage()) {
                    o.putArray("images").addObject().put("bytes", Base64.getEncoder().encodeToString(p.image())).putNull("path");
                }
                w.write(json.writeValueAsString(o));
                w.write('\n');
            }
        }
        SimpleGroupFactory gf = new SimpleGroupFactory(HF);
        try (ParquetWriter<Group> w = ExampleParquetWriter.builder(new LocalOutputFile(parquet))
                .withConf(new PlainParquetConfiguration()).withType(HF).withCodecFactory(new ParquetCodecs())
                .withCompressionCodec(CompressionCodecName.SNAPPY).build()) {
            for (Task t : tasks) {
                Problem p = t.problem();
                Group g = gf.newGroup().append("id", p.id()).append("problem", (p.hasImage() ? "<image>" : "") + p.prompt())
                        .append("answer", p.answer());
                if (p.hasImage()) {
                    g.addGroup("images").addGroup("list").addGroup("element").append("bytes", Binary.fromConstantByteArray(p.image()));
                }
                w.write(g);
            }
        }
        System.out.printf(Locale.ROOT, "machine: %d cpus, java %s; %d rows%n", Runtime.getRuntime().availableProcessors(),
                System.getProperty("java.version"), n);
        for (int round = 0; round < 5; round++) {
            for (Path f : List.of(jsonl, parquet)) {
                long t0 = System.nanoTime();
                long images = 0;
                try (ExampleReader r = DatasetFiles.open(f, BadRowPolicy.FAIL, e -> { })) {
                    while (r.hasNext()) {
                        images += r.next().images().size();
                    }
                }
                double s = (System.nanoTime() - t0) / 1e9;
                System.out.printf(Locale.ROOT, "round %d %-8s %8.0f rows/s %7.1f MB/s (file %.1f MB, %d images)%n", round,
                        f.getFileName().toString().endsWith(".parquet") ? "parquet" : "jsonl", n / s,
                        Files.size(f) / 1e6 / s, Files.size(f) / 1e6, images);
            }
        }
        Files.delete(jsonl);
        Files.delete(parquet);
        Files.delete(dir);
    }
}
