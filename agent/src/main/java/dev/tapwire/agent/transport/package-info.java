/** Transports: tunnel packets on raw IP sockets, sent in batches. */
package dev.tapwire.agent.transport;
