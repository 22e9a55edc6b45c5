/** Collector metrics: single-writer counters owned by the stages, declared once for Prometheus. */
package dev.tapwire.collector.metrics;
