/**
 * CLIP's data: captioned scenes drawn with Java2D, with held-out colour-shape combinations ({@link
 * org.infonce4j.clip.Scenes}), a word tokenizer ({@link org.infonce4j.clip.Tokenizer}), a user's
 * image-caption pairs from a TSV file ({@link org.infonce4j.clip.CaptionedImages}), images as
 * arrays ({@link org.infonce4j.clip.Images}) and retrieval recall@k with its chance and ceiling
 * ({@link org.infonce4j.clip.Retrieval}).
 */
package org.infonce4j.clip;
