/** Runtime: metrics. */
package dev.tapwire.runtime.metrics;
