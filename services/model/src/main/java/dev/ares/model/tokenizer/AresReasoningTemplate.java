package dev.ares.model.tokenizer;

import dev.ares.core.protocol.ChatMessage;
import java.util.ArrayList;
import java.util.List;

/**
 * The ARES reasoning prompt: a system turn that asks the model to reason inside {@code <think> </think>}
 * and to give the final answer in {@code \boxed{}}, then the conversation in ChatML. When the
 * conversation already opens with a system turn, the instruction is put in front of its content.
 */
public final class AresReasoningTemplate implements ChatTemplate {
    /** The instruction placed in the system turn. */
    public static final String INSTRUCTION = "You are a helpful assistant. First think about the problem step by "
            + "step inside <think> </think> tags, then give the final answer after the closing tag, written as "
            + "\\boxed{answer}.";

    private final ChatMlTemplate chatml = new ChatMlTemplate();

    @Override
    public String render(List<ChatMessage> messages, boolean addGenerationPrompt) {
        List<ChatMessage> all = new ArrayList<>();
        if (!messages.isEmpty() && messages.get(0).role().equals("system")) {
            all.add(new ChatMessage("system", INSTRUCTION + "\n\n" + messages.get(0).content()));
            all.addAll(messages.subList(1, messages.size()));
        } else {
            all.add(new ChatMessage("system", INSTRUCTION));
            all.addAll(messages);
        }
        return chatml.render(all, addGenerationPrompt);
    }

    @Override
    public String name() {
        return "ares-reasoning";
    }
}
