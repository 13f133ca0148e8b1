package dev.ares.core.learner;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.ares.core.io.ImageBlobs;
import dev.ares.core.protocol.Prompt;
import dev.ares.core.tasks.BarChartFamily;
import dev.ares.core.tasks.Curriculum;
import dev.ares.core.tasks.PromptFormat;
import dev.ares.core.tasks.Split;
import dev.ares.core.tasks.Task;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Image problems become rollout prompts that reference their PNG in the blob store, not carry it. */
class CurriculumImagePromptsTest {
    @TempDir
    Path blobs;

    @Test
    void imagePromptsReferenceTheirPngInTheBlobStore() {
        Curriculum c = Curriculum.builder().add(BarChartFamily.NAME, 1, 1.0).build();
        List<Prompt> prompts = new CurriculumPrompts(c, 5, PromptFormat.BARE, blobs).prompts(2, 3);
        List<Task> tasks = c.take(Split.TRAIN, Seeds.mix(5, 2, 0), 3);
        assertEquals(3, prompts.size());
        for (int i = 0; i < 3; i++) {
            Prompt p = prompts.get(i);
            byte[] png = tasks.get(i).problem().image();
            assertEquals(List.of(ImageBlobs.refOf(png)), p.imageRefs());
            assertArrayEquals(png, ImageBlobs.read(blobs, p.imageRefs().get(0), "Prompt.imageRefs[0]"));
            assertEquals("<image>Which bar is tallest?", p.messages().get(0).content());
            assertEquals(tasks.get(i).problem().answer(), p.referenceAnswer());
        }
    }
}
