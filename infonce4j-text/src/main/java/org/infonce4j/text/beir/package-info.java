/**
 * Retrieval datasets in the layout of the BEIR benchmark: {@link org.infonce4j.text.beir.Beir}
 * reads a corpus, its queries and the relevance judgements of a split, plain or gzipped, strictly
 * (every problem a {@link org.infonce4j.text.beir.BeirFormatException} naming file, line and
 * field), into a {@link org.infonce4j.text.beir.BeirDataset}; SciFact ships with the module.
 */
package org.infonce4j.text.beir;
