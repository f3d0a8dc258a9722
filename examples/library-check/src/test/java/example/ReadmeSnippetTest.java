package example;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The README's Maven snippets name real artifacts: the root pom's group and version, modules of the
 * build, installed by {@code mvn install} with sources and javadoc jars; and the library snippet is
 * what this project itself depends on.
 */
class ReadmeSnippetTest {
    private static final Path ROOT = Path.of("../..");

    @Test
    void the_readme_dependency_snippets_match_this_pom_and_the_build() throws Exception {
        String readme = Files.readString(ROOT.resolve("README.md"));
        String rootPom = Files.readString(ROOT.resolve("pom.xml"));
        String pom = Files.readString(Path.of("pom.xml"));
        // Installed artifacts sit beside each other in the local repository: find it from netdsl-dsl's jar.
        String rootVersion = tag(rootPom, "version");
        Path repository = onClassPath("netdsl-dsl-" + rootVersion + ".jar").getParent().getParent().getParent();
        Matcher block = Pattern.compile("```xml\\n(<dependency>.*?</dependency>)(.*?)\\n```", Pattern.DOTALL).matcher(readme);
        int snippets = 0;
        boolean usingTheLibrary = false;
        while (block.find()) {
            snippets++;
            String snippet = block.group(1) + block.group(2);
            String group = tag(snippet, "groupId");
            String artifact = tag(snippet, "artifactId");
            String version = tag(snippet, "version");
            assertEquals(tag(rootPom, "groupId"), group, "the snippet's groupId is the root pom's: " + snippet);
            assertEquals(rootVersion, version, "the snippet's version is the one the root pom builds: " + snippet);
            List<String> named = new ArrayList<>(List.of(artifact));
            Matcher also = Pattern.compile("netdsl-[a-z]+").matcher(snippet.substring(snippet.indexOf("</artifactId>")));
            while (also.find()) {
                named.add(also.group());
            }
            for (String a : named) {
                assertTrue(rootPom.contains("<module>" + a.substring("netdsl-".length()) + "</module>"), a + " is a module of the build");
                for (String kind : new String[] {"", "-sources", "-javadoc"}) {
                    Path jar = repository.resolve(a).resolve(version).resolve(a + "-" + version + kind + ".jar");
                    assertTrue(Files.isRegularFile(jar) && Files.size(jar) > 1000, jar + " was installed");
                }
            }
            if (artifact.equals("netdsl-dsl")) {
                // The library snippet: this project is a user of exactly what it names.
                usingTheLibrary = true;
                for (String a : named) {
                    assertTrue(pom.contains("<groupId>" + group + "</groupId>\n      <artifactId>" + a + "</artifactId>\n      <version>"
                            + version + "</version>"), "this project depends on " + group + ":" + a + ":" + version + " as the README says");
                }
            }
        }
        assertTrue(snippets > 0, "README.md has ```xml <dependency> snippets");
        assertTrue(usingTheLibrary, "README.md has the netdsl-dsl snippet");
    }

    private static Path onClassPath(String name) {
        for (String entry : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
            if (Path.of(entry).getFileName().toString().equals(name)) {
                return Path.of(entry);
            }
        }
        throw new AssertionError(name + " is not on the class path");
    }

    private static String tag(String xml, String name) {
        Matcher m = Pattern.compile("<" + name + ">([^<]+)</" + name + ">").matcher(xml);
        assertTrue(m.find(), "<" + name + "> in " + xml.substring(0, Math.min(200, xml.length())));
        return m.group(1).trim();
    }
}
