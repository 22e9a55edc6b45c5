/** The agent's control-plane client: registration, live policy, statistics reports. */
package dev.tapwire.agent.control;
