package dev.ares.inference;

import dev.ares.core.protocol.Codecs;
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
    public void onCheckpoint(ConsumerRecord<String, byte[]> record) {
        var event = Codecs.checkpointEvent().decode(record.value());
        if (engine.engines.isResolvable()) {
            engine.engines.get().onCheckpoint(event);
        }
    }
}
