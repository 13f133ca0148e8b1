package dev.ares.core.protocol;

/**
 * One chat turn of a prompt (architecture.md §3, {@code RolloutRequest.prompt.messages}).
 *
 * @param role    chat role as the Qwen chat template knows it ({@code system}, {@code user}, {@code assistant},
 *                {@code tool}); non-blank
 * @param content the turn's text; non-null, may be empty
 */
public record ChatMessage(String role, String content) {
    public ChatMessage {
        Checks.nonBlank(role, "ChatMessage.role");
        Checks.nonNull(content, "ChatMessage.content");
    }
}
