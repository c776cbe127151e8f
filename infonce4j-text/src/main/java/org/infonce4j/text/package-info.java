/**
 * Sentence embeddings with InfoNCE: a pretrained BERT-family text encoder read from its ONNX export into DJL, its fine-tuning on query-document pairs,
 * retrieval evaluation on data in the BEIR layout, and export of the fine-tuned weights back into the original ONNX graph.
 */
package org.infonce4j.text;
