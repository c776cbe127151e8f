/**
 * The value types every part of infonce4j passes around: {@link org.infonce4j.Matrix}, a dense
 * row-major float32 matrix, and {@link org.infonce4j.BitMatrix}, a packed boolean matrix for
 * positive and excluded-candidate masks; and {@link org.infonce4j.Provenance}, the version, commit
 * and machine that every report records.
 */
package org.infonce4j;
