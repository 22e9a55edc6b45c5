/** Runtime: work. */
package dev.tapwire.runtime.work;
