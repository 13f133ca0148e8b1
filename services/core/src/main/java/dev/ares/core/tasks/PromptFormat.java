package dev.ares.core.tasks;

/**
 * How a problem becomes the user turn (aepo-spec.md §10). {@link #ARES} appends an instruction to reason inside
 * {@code <think> </think>} and to box the final answer, as the ARES training template does (in the project's own
 * words); {@link #BARE} sends the question alone, which keeps prompts short for the 384-token demo tokenizer (the
 * demo model learns the format from the SFT traces). Image problems start with the EasyR1 placeholder
 * {@code <image>}.
 */
public enum PromptFormat {
    /** The question only. */
    BARE(""),
    /** The question, then the think-and-box instruction. */
    ARES(" Think inside <think> </think> first, then put the final answer in \\boxed{}.");

    /** The EasyR1 image placeholder, split on by the chat template. */
    public static final String IMAGE_PLACEHOLDER = "<image>";

    private final String instruction;

    PromptFormat(String instruction) {
        this.instruction = instruction;
    }

    /** The instruction appended to the question (empty for {@link #BARE}). */
    public String instruction() {
        return instruction;
    }

    /** The user text: the image placeholder for image problems, the question, the instruction. */
    public String userText(Problem p) {
        return (p.hasImage() ? IMAGE_PLACEHOLDER : "") + p.prompt() + instruction;
    }
}
