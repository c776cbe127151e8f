/**
 * Deep contrastive learning on the Deep Java Library with its PyTorch engine (CPU natives from
 * Maven Central, nothing downloaded at run time): the InfoNCE loss as a DJL loss, the image
 * encoders and projection heads, the SimCLR, MoCo and supervised image recipes on Fashion-MNIST
 * with their kNN and linear-probe evaluation, CLIP's two towers and training, DPO on a small causal
 * language model, and the mutual-information staircase. {@link org.infonce4j.djl.DjlEnvironment}
 * prepares DJL before its first class loads.
 */
package org.infonce4j.djl;
