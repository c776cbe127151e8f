/**
 * word2vec with negative sampling on one machine: the corpus read as bytes ({@link
 * org.infonce4j.word2vec.Corpus}), the vocabulary and noise distribution, hogwild training of
 * skip-gram or CBOW with the SGNS objective or its InfoNCE form ({@link
 * org.infonce4j.word2vec.Word2Vec}, settings in {@link org.infonce4j.word2vec.Word2VecConfig}),
 * the word2vec text and binary vector formats, and the evaluations: nearest neighbours, analogies
 * (3CosAdd) and word similarity (Spearman).
 */
package org.infonce4j.word2vec;
