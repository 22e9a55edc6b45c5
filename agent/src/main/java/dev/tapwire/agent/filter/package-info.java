/** The capture filter: the user's BPF expression without the agent's own export traffic. */
package dev.tapwire.agent.filter;
