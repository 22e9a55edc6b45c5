/** Agent counters (single writer, read at scrape time) and their Prometheus declarations. */
package dev.tapwire.agent.metrics;
