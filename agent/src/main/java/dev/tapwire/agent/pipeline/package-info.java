/** The data-path stages: one capture worker per interface and one encapsulate-and-send worker. */
package dev.tapwire.agent.pipeline;
