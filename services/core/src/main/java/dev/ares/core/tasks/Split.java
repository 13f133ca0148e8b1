package dev.ares.core.tasks;

/** Which part of the curriculum a problem belongs to. */
public enum Split {
    /** Problems that training may see. */
    TRAIN,
    /** The fixed evaluation problems that training never sees. */
    HELDOUT
}
