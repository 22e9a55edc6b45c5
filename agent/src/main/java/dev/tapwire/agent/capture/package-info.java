/** Capture: libpcap through pcap4j, with the per-frame path through java.lang.foreign. */
package dev.tapwire.agent.capture;
