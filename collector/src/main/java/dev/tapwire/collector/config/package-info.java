/** Collector configuration: settings keys, loading and validation. */
package dev.tapwire.collector.config;
