/** Tapwire testkit. */
package dev.tapwire.testkit;
