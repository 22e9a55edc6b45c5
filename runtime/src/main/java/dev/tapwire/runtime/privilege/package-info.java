/** Messages for startup failures caused by missing privileges. */
package dev.tapwire.runtime.privilege;
