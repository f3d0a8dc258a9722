/**
 * Training pieces: losses and optimizers (open interfaces with PyTorch's built-ins and their factories)
 * and the callbacks {@code Model.fit} calls.
 */
package dev.netdsl.training;
