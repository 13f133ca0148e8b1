package dev.ares.cli.data;

import com.github.luben.zstd.Zstd;
import io.airlift.compress.lz4.Lz4Compressor;
import io.airlift.compress.lz4.Lz4Decompressor;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.apache.parquet.bytes.BytesInput;
import org.apache.parquet.compression.CompressionCodecFactory;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.xerial.snappy.Snappy;

/**
 * Parquet page compression without Hadoop: parquet-hadoop's default codec factory instantiates Hadoop codecs through
 * a Hadoop {@code Configuration}, which needs the 30 MB hadoop-client-runtime. This factory calls the codec libraries
 * that parquet-hadoop already depends on directly: snappy-java (SNAPPY), zstd-jni (ZSTD), aircompressor (LZ4_RAW) and
 * {@code java.util.zip} (GZIP). Other codecs (LZO, BROTLI, Hadoop-framed LZ4) are rejected with an error naming them.
 */
public final class ParquetCodecs implements CompressionCodecFactory {

    @Override
    public BytesInputCompressor getCompressor(CompressionCodecName codec) {
        check(codec);
        return new BytesInputCompressor() {
            @Override
            public BytesInput compress(BytesInput in) throws IOException {
                return BytesInput.from(ParquetCodecs.compress(codec, in.toByteArray()));
            }

            @Override
            public CompressionCodecName getCodecName() {
                return codec;
            }

            @Override
            public void release() {
            }
        };
    }

    @Override
    public BytesInputDecompressor getDecompressor(CompressionCodecName codec) {
        check(codec);
        return new BytesInputDecompressor() {
            @Override
            public BytesInput decompress(BytesInput in, int uncompressedSize) throws IOException {
                return BytesInput.from(ParquetCodecs.decompress(codec, in.toByteArray(), uncompressedSize));
            }

            @Override
            public void decompress(ByteBuffer in, int compressedSize, ByteBuffer out, int uncompressedSize)
                    throws IOException {
                byte[] src = new byte[compressedSize];
                in.get(src);
                out.put(ParquetCodecs.decompress(codec, src, uncompressedSize));
            }

            @Override
            public void release() {
            }
        };
    }

    @Override
    public void release() {
    }

    private static void check(CompressionCodecName codec) {
        switch (codec) {
            case UNCOMPRESSED, SNAPPY, GZIP, ZSTD, LZ4_RAW -> {
            }
            default -> throw new IllegalArgumentException("Parquet codec " + codec
                    + " is not supported (supported: UNCOMPRESSED, SNAPPY, GZIP, ZSTD, LZ4_RAW)");
        }
    }

    static byte[] compress(CompressionCodecName codec, byte[] src) throws IOException {
        switch (codec) {
            case UNCOMPRESSED:
                return src;
            case SNAPPY:
                return Snappy.compress(src);
            case ZSTD:
                return Zstd.compress(src);
            case GZIP: {
                ByteArrayOutputStream bos = new ByteArrayOutputStream();
                try (GZIPOutputStream gz = new GZIPOutputStream(bos)) {
                    gz.write(src);
                }
                return bos.toByteArray();
            }
            case LZ4_RAW: {
                Lz4Compressor c = new Lz4Compressor();
                byte[] out = new byte[c.maxCompressedLength(src.length)];
                int n = c.compress(src, 0, src.length, out, 0, out.length);
                return java.util.Arrays.copyOf(out, n);
            }
            default:
                throw new IllegalArgumentException("unsupported Parquet codec " + codec);
        }
    }

    static byte[] decompress(CompressionCodecName codec, byte[] src, int size) throws IOException {
        byte[] out;
        switch (codec) {
            case UNCOMPRESSED -> out = src;
            case SNAPPY -> out = Snappy.uncompress(src);
            case ZSTD -> out = Zstd.decompress(src, size);
            case GZIP -> {
                try (GZIPInputStream gz = new GZIPInputStream(new ByteArrayInputStream(src))) {
                    out = gz.readAllBytes();
                }
            }
            case LZ4_RAW -> {
                out = new byte[size];
                int n = new Lz4Decompressor().decompress(src, 0, src.length, out, 0, size);
                if (n != size) {
                    throw new IOException("LZ4_RAW page decompressed to " + n + " bytes, expected " + size);
                }
            }
            default -> throw new IllegalArgumentException("unsupported Parquet codec " + codec);
        }
        if (out.length != size) {
            throw new IOException(codec + " page decompressed to " + out.length + " bytes, expected " + size);
        }
        return out;
    }
}
