package dev.ares.core.compute;

/**
 * A prompt that does not fit the model's context, alone or with the tokens asked for (reliability.md scenario 9:
 * HTTP 400 with {@code code = "context_length_exceeded"}). Thrown before the model is invoked.
 */
public final class ContextLengthExceededException extends IllegalArgumentException {
    private final int promptTokens;
    private final int maxNewTokens;
    private final int context;

    /**
     * @param promptTokens tokens of the prompt
     * @param maxNewTokens tokens asked for
     * @param context      positions the model encodes
     */
    public ContextLengthExceededException(int promptTokens, int maxNewTokens, int context) {
        super("This model's maximum context length is " + context + " tokens. However, you requested "
                + (promptTokens + maxNewTokens) + " tokens (" + promptTokens + " in the messages, " + maxNewTokens
                + " in the completion). Please reduce the length of the messages or completion.");
        this.promptTokens = promptTokens;
        this.maxNewTokens = maxNewTokens;
        this.context = context;
    }

    public int promptTokens() {
        return promptTokens;
    }

    public int maxNewTokens() {
        return maxNewTokens;
    }

    public int context() {
        return context;
    }
}
