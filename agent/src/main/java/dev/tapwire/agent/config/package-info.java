/** Agent configuration: settings keys, loading and validation. */
package dev.tapwire.agent.config;
