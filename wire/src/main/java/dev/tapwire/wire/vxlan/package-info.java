/** VXLAN (RFC 7348): header flyweight and encoder. VXLAN-GPE (port 4790) is out of scope. */
package dev.tapwire.wire.vxlan;
