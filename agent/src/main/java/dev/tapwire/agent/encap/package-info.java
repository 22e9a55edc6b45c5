/**
 * Encapsulation: tunnel headers, sessions and sequence numbers, path MTU, sampling and rate limits.
 */
package dev.tapwire.agent.encap;
