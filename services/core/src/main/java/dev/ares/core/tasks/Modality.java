package dev.ares.core.tasks;

/** Whether a family's problems are text only or carry a rendered image. */
public enum Modality {
    /** Text-only prompt. */
    TEXT,
    /** Prompt with one PNG image. */
    IMAGE
}
