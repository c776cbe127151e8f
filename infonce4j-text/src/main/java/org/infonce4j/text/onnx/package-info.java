/**
 * ONNX's protocol buffer messages ({@code ModelProto}, {@code GraphProto}, {@code TensorProto}, ...), generated at build time by
 * protoc from ONNX's own {@code onnx.proto} (src/main/proto; Apache License 2.0, from the ONNX project) into the class
 * {@link org.infonce4j.text.onnx.OnnxProto}.
 */
package org.infonce4j.text.onnx;
