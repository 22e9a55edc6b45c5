/** Where merged frames go: capture files, the mirror NIC. */
package dev.tapwire.collector.sink;
