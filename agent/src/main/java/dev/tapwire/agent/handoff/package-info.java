/** The bounded, pooled hand-off between a capture thread and the send thread. */
package dev.tapwire.agent.handoff;
