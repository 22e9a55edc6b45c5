/** Runtime: config. */
package dev.tapwire.runtime.config;
