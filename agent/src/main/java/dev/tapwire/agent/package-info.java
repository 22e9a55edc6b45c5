/** Tapwire agent. */
package dev.tapwire.agent;
