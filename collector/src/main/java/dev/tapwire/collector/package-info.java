/** Tapwire collector. */
package dev.tapwire.collector;
