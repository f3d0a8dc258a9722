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
 * The README's Maven snippet is what this project uses: the same coordinates, the version the root
 * pom builds, every artifact it names; and {@code mvn install} put sources and javadoc jars beside
 * each library jar.
 */
class ReadmeSnippetTest {
    private static final Path ROOT = Path.of("../..");

    @Test
    void the_readme_dependency_snippet_matches_this_pom_and_the_build() throws Exception {
        String readme = Files.readString(ROOT.resolve("README.md"));
        Matcher block = Pattern.compile("```xml\\n(<dependency>.*?</dependency>)\\n```", Pattern.DOTALL).matcher(readme);
        assertTrue(block.find(), "README.md has a ```xml <dependency> snippet");
        String snippet = block.group(1);
        String group = tag(snippet, "groupId");
        String artifact = tag(snippet, "artifactId");
        String version = tag(snippet, "version");

        String rootPom = Files.readString(ROOT.resolve("pom.xml"));
        assertEquals(tag(rootPom, "groupId"), group, "the snippet's groupId is the root pom's");
        assertEquals(tag(rootPom, "version"), version, "the snippet's version is the one the root pom builds");

        List<String> named = new ArrayList<>(List.of(artifact));
        Matcher also = Pattern.compile("netdsl-[a-z]+").matcher(snippet.substring(snippet.indexOf("</artifactId>")));
        while (also.find()) {
            named.add(also.group());
        }
        String pom = Files.readString(Path.of("pom.xml"));
        for (String a : named) {
            assertTrue(Files.isDirectory(ROOT.resolve(a.substring("netdsl-".length()))), a + " is a module of the build");
            assertTrue(pom.contains("<groupId>" + group + "</groupId>\n      <artifactId>" + a + "</artifactId>\n      <version>"
                    + version + "</version>"), "this project depends on " + group + ":" + a + ":" + version + " as the README says");
            Path jar = onClassPath(a + "-" + version + ".jar");
            for (String kind : new String[] {"sources", "javadoc"}) {
                Path attached = jar.resolveSibling(a + "-" + version + "-" + kind + ".jar");
                assertTrue(Files.size(attached) > 1000, attached + " was installed");
            }
        }
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
