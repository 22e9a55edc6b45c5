/**
 * ERSPAN Type II and Type III headers and the Type III platform sub-header: flyweights and encoder.
 * Type I has no header (GRE 0x88BE with S=0). Layouts and real-sender quirks are in {@code
 * docs/wire-formats.md} §1.
 */
package dev.tapwire.wire.erspan;
