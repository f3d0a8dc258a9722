/**
 * Layers: the open {@link dev.netdsl.layers.Layer} interface, NetDSL's layers and their factories
 * ({@link dev.netdsl.layers.Layers}), {@link dev.netdsl.layers.Module} for nets with their own forward pass,
 * and initializers.
 */
package dev.netdsl.layers;
