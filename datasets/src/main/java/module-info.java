/** Data for NetDSL: synthetic generators, IDX/MNIST and batching, built with NetDSL's public API. */
module dev.netdsl.datasets {
    exports dev.netdsl.datasets;

    requires transitive dev.netdsl;
    requires java.net.http;
    requires java.desktop;
    requires org.apache.commons.csv;
}
