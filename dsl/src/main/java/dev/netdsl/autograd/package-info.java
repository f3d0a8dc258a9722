/**
 * Raw variables and automatic differentiation, like PyTorch tensors with {@code requires_grad}:
 * {@link dev.netdsl.autograd.Autograd}, its variables, inputs and minimizers.
 */
package dev.netdsl.autograd;
