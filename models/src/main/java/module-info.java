/** The tutorials' model definitions, built with NetDSL's public API. */
module dev.netdsl.models {
    exports dev.netdsl.models;

    requires transitive dev.netdsl;
}
