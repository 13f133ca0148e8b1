/**
 * Dataset tooling that needs libraries the services should not carry: the Parquet reader of EasyR1/ARES datasets
 * (parquet-hadoop, linked against the shaded hadoop-client-api only), its Hadoop-free compression codecs, and the
 * AdaCS length-against-pass-rate chart (JFreeChart).
 */
package dev.ares.cli.data;
