/**
 * The operator commands that talk to a collector's gRPC control plane: {@code tapwire agents},
 * {@code stats}, {@code tap} and {@code policy}. One channel per command run, a deadline on every
 * call, and gRPC failures turned into one line for the user.
 */
package dev.tapwire.cli.control;
