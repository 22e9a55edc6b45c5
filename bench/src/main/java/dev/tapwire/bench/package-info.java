/** Tapwire bench. */
package dev.tapwire.bench;
