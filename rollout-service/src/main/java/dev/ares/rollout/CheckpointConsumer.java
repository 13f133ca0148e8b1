package dev.ares.rollout;

import dev.ares.core.protocol.Codecs;
import io.micrometer.core.annotation.Timed;
import io.smallrye.reactive.messaging.annotations.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * {@code ares.checkpoints} (compacted, read by every replica from the start) -> {@code RolloutEngine#onCheckpoint}:
 * the engine verifies the manifest and switches to the newer weights. Bad events go to {@code ares.checkpoints.dlq}.
 */
@ApplicationScoped
public class CheckpointConsumer {

    @Inject
    EngineReadiness engine;

    @Incoming("checkpoints")
    @Blocking(ordered = true)
    @Timed(value = "ares.process", extraTags = {"channel", "checkpoints"}, description = "Time to process one record")
    public void onCheckpoint(ConsumerRecord<String, byte[]> record) {
        var event = Codecs.checkpointEvent().decode(record.value());
        engine.present().ifPresent(e -> e.onCheckpoint(event));
    }
}
