/** Outer IPv4, IPv6 and UDP headers: flyweight accessors, encoders and fragment reassembly. */
package dev.tapwire.wire.ip;
