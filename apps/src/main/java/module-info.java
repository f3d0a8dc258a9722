/**
 * The {@code netdsl} command line and one program per tutorial, using NetDSL's public API only (the
 * module system refuses anything else at compile time).
 */
module dev.netdsl.apps {
    requires dev.netdsl.models;
    requires dev.netdsl.datasets;
    requires info.picocli;
    requires me.tongfei.progressbar;
    requires org.knowm.xchart;
    requires com.fasterxml.jackson.databind;
    requires java.desktop;

    opens dev.netdsl.apps to info.picocli;
}
