/** Files of tensors: NetDSL's weights format (and, as they come, the formats other frameworks write). */
package dev.netdsl.io;
