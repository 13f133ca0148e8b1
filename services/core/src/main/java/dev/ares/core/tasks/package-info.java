/**
 * The built-in, difficulty-graded synthetic curriculum (issue 5, aepo-spec.md §9 and §10).
 *
 * <p>A {@link dev.ares.core.tasks.TaskFamily} turns (level 1..5, seed) into a {@link dev.ares.core.tasks.Task}:
 * a plain {@link dev.ares.core.tasks.Problem} record (prompt, verifiable answer, optional PNG image,
 * difficulty prior) plus the {@link dev.ares.core.tasks.Derivation} of its answer, from which
 * {@link dev.ares.core.tasks.TraceWriter} writes think &rarr; derive &rarr; conclude traces of graded
 * verbosity. {@link dev.ares.core.tasks.HeldOutSplit} assigns every problem to the training or the
 * held-out evaluation split by a hash of its content, and {@link dev.ares.core.tasks.Curriculum} mixes
 * families and levels with weights. Everything is deterministic by seed.
 */
package dev.ares.core.tasks;
