/** {@code tapwire decap}: offline decapsulation of captured tunnel traffic. */
package dev.tapwire.cli.decap;
