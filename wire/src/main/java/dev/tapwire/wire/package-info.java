/** Tapwire wire. */
package dev.tapwire.wire;
