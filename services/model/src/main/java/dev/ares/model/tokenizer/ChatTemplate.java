package dev.ares.model.tokenizer;

import dev.ares.core.protocol.ChatMessage;
import java.util.List;

/** Turns a conversation into the prompt text a chat model was trained on. */
public interface ChatTemplate {
    /**
     * @param messages            the conversation, oldest first
     * @param addGenerationPrompt append the opening of the assistant turn the model is to write
     * @return prompt text, to be encoded by the model's tokenizer
     */
    String render(List<ChatMessage> messages, boolean addGenerationPrompt);

    /** The template's name ({@code hf}, {@code chatml}, {@code ares-reasoning}). */
    String name();
}
