package dev.ares.core.protocol;

/** Online difficulty bucket of a group by its pass rate (aepo-spec, difficulty buckets; architecture.md §3). */
public enum Bucket {
    EASY,
    MEDIUM,
    HARD
}
