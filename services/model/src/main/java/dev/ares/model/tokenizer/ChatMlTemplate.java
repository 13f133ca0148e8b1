package dev.ares.model.tokenizer;

import dev.ares.core.protocol.ChatMessage;
import java.util.List;

/**
 * The ChatML format of the Qwen family, used when a model folder carries no {@code chat_template}:
 * every turn is {@code <|im_start|>role\ncontent<|im_end|>\n}; the generation prompt is
 * {@code <|im_start|>assistant\n}.
 */
public final class ChatMlTemplate implements ChatTemplate {
    @Override
    public String render(List<ChatMessage> messages, boolean addGenerationPrompt) {
        StringBuilder sb = new StringBuilder();
        for (ChatMessage m : messages) {
            sb.append("<|im_start|>").append(m.role()).append('\n').append(m.content()).append("<|im_end|>\n");
        }
        if (addGenerationPrompt) {
            sb.append("<|im_start|>assistant\n");
        }
        return sb.toString();
    }

    @Override
    public String name() {
        return "chatml";
    }
}
