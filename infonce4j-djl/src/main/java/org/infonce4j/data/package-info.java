/**
 * The image recipes' data: Fashion-MNIST read from its IDX files ({@link
 * org.infonce4j.data.FashionMnist}) and the augmentations that make SimCLR's and MoCo's views
 * ({@link org.infonce4j.data.Augment}: resized crop, flip, brightness and contrast, noise), in
 * plain Java on whole batches.
 */
package org.infonce4j.data;
