/** Shared runtime of the deployables: configuration, worker threads, queues, metrics endpoint. */
package dev.tapwire.runtime;
