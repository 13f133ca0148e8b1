package dev.ares.inference;

import dev.ares.core.protocol.Codecs;
import io.micrometer.core.annotation.Timed;
import io.smallrye.reactive.messaging.annotations.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * {@code ares.checkpoints} -> {@code ServingEngine#onCheckpoint}: the engine loads and verifies the new weights
 * beside the served ones and switches. Bad events go to {@code ares.checkpoints.dlq}.
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
