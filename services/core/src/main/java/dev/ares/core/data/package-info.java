/**
 * Datasets for ARES: the adaptive cold-start (AdaCS) curation of aepo-spec.md §9 over plain data
 * ({@link dev.ares.core.data.AdaCs}), its JSONL output ({@link dev.ares.core.data.ColdStartWriter}) and report
 * ({@link dev.ares.core.data.AdaCsReport}), and streaming readers of problem files in the EasyR1/ARES layout
 * ({@link dev.ares.core.data.JsonlExampleReader}; the Parquet reader lives in the CLI module to keep Hadoop out of the
 * services).
 */
package dev.ares.core.data;
