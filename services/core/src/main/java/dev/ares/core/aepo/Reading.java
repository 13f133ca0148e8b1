package dev.ares.core.aepo;

/** Which reading of AEPO a configuration follows (spec §0, §13, §16). */
public enum Reading {
    /** What the official code computes, with bugs B1–B11 fixed (project default). */
    CODE,
    /** The paper's main text, Sec. 3.2, made workable (lagged target, closed-form λ, ρ relaxation, κ controller). */
    PAPER
}
