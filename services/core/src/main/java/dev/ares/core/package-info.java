/** ARES core: framework-free protocol records, AEPO algorithms, answer verification, tasks and checkpoints. */
package dev.ares.core;
