/**
 * {@code tapwire demo}: the whole system end to end on one machine. {@link
 * dev.tapwire.cli.demo.Demo} validates the arguments; {@code DemoRun} drives the steps: the
 * topology scripts in {@code deploy/topology} ({@code TopologyScripts}, {@code Topology}), the
 * processes inside its namespaces ({@code DemoLaunch}, {@code DemoProcess}: tcpdump as the
 * independent oracle, the agents and the collector each in a JVM of its own), the progress read
 * from their {@code /metrics} ({@code MetricsClient} on each namespace's loopback, {@code
 * MetricsSnapshot}, {@code DemoSnapshot} with the books' equations), and the verification after the
 * run ({@code FrameDigests}, {@code CaptureComparison}: sha256 multisets of the IDS capture and the
 * merged pcapng against the captures at the sources; {@code DemoVerification}, {@code DemoReport}).
 */
package dev.tapwire.cli.demo;
