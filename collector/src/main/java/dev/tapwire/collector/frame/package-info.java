/** Pooled frames in flight through the collector. */
package dev.tapwire.collector.frame;
