/*
 * Copyright 2026 the etcd-discovery authors.
 *
 * Licensed under the Apache License, Version 2.0 (the "License");
 * you may not use this file except in compliance with the License.
 * You may obtain a copy of the License at
 *
 *      https://www.apache.org/licenses/LICENSE-2.0
 *
 * Unless required by applicable law or agreed to in writing, software
 * distributed under the License is distributed on an "AS IS" BASIS,
 * WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
 * See the License for the specific language governing permissions and
 * limitations under the License.
 */

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

import javax.xml.parsers.DocumentBuilderFactory;

import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/**
 * Checks a Maven repository produced by {@code ./mvnw deploy} (a file repository, see
 * docs/releasing.md) against what Maven Central requires of every published artifact,
 * and that exactly the expected artifacts are published. Run with the JDK's source
 * launcher:
 *
 * <pre>
 * java scripts/PublicationCheck.java [--release] REPOSITORY GROUP_ID ARTIFACT_ID...
 * </pre>
 *
 * For every artifact: a POM, a jar, a sources jar and a Javadoc jar, each with its
 * checksums; sources and Javadoc that cover the classes; a POM that stands alone (no
 * parent, no properties, no build section, no repositories, no unresolved
 * {@code ${...}}) with name, description, url, licenses, developers and scm, the same url
 * and scm as the others, and dependencies that all carry a version, none of them a test
 * dependency or a SNAPSHOT of someone else. With {@code --release} the artifacts
 * themselves must not be SNAPSHOTs either. Prints every problem it finds and exits with 1
 * when there is one.
 *
 * @author etcd-discovery authors
 */
public final class PublicationCheck {

	private final List<String> problems = new ArrayList<>();

	private String url;

	private String scmUrl;

	public static void main(String[] args) throws Exception {
		List<String> arguments = new ArrayList<>(List.of(args));
		boolean release = arguments.remove("--release");
		if (arguments.size() < 3) {
			System.err.println(
					"usage: java scripts/PublicationCheck.java [--release] REPOSITORY GROUP_ID ARTIFACT_ID...");
			System.exit(2);
		}
		Path repository = Path.of(arguments.get(0));
		String groupId = arguments.get(1);
		Set<String> expected = new TreeSet<>(arguments.subList(2, arguments.size()));
		PublicationCheck check = new PublicationCheck();
		check.checkRepository(repository, groupId, expected, release);
		if (!check.problems.isEmpty()) {
			System.err.println("publication check: " + check.problems.size() + " problem(s) in " + repository + ":");
			check.problems.forEach((problem) -> System.err.println("  - " + problem));
			System.exit(1);
		}
		System.out.println("publication check: " + expected.size() + " artifacts in " + repository
				+ " have what Maven Central requires: " + String.join(", ", expected));
	}

	private void checkRepository(Path repository, String groupId, Set<String> expected, boolean release)
			throws Exception {
		Path groupDirectory = repository.resolve(groupId.replace('.', '/'));
		Set<String> found = new TreeSet<>();
		if (Files.isDirectory(groupDirectory)) {
			try (Stream<Path> children = Files.list(groupDirectory)) {
				children.filter(Files::isDirectory)
					.map((child) -> child.getFileName().toString())
					.forEach(found::add);
			}
		}
		for (String artifactId : found) {
			if (!expected.contains(artifactId)) {
				this.problems.add(artifactId + ": published, but it is not one of the artifacts users depend on "
						+ expected + " (set maven.deploy.skip in its POM)");
			}
		}
		for (String artifactId : expected) {
			if (!found.contains(artifactId)) {
				this.problems.add(artifactId + ": not published");
				continue;
			}
			checkArtifact(groupId, artifactId, groupDirectory.resolve(artifactId), release);
		}
	}

	private void checkArtifact(String groupId, String artifactId, Path directory, boolean release) throws Exception {
		Path versionDirectory;
		try (Stream<Path> versions = Files.list(directory)) {
			versionDirectory = versions.filter(Files::isDirectory).max(Comparator.naturalOrder()).orElse(null);
		}
		if (versionDirectory == null) {
			this.problems.add(artifactId + ": no version published");
			return;
		}
		Path pom = newest(versionDirectory, ".pom");
		Path jar = newest(versionDirectory, ".jar", "-sources.jar", "-javadoc.jar");
		Path sources = newest(versionDirectory, "-sources.jar");
		Path javadoc = newest(versionDirectory, "-javadoc.jar");
		for (Path file : new Path[] { pom, jar, sources, javadoc }) {
			if (file != null) {
				for (String checksum : new String[] { ".sha1", ".md5" }) {
					if (!Files.exists(file.resolveSibling(file.getFileName() + checksum))) {
						this.problems.add(artifactId + ": no " + checksum + " checksum of " + file.getFileName());
					}
				}
			}
		}
		if (pom == null) {
			this.problems.add(artifactId + ": no POM");
		}
		else {
			checkPom(groupId, artifactId, pom, release);
		}
		if (jar == null) {
			this.problems.add(artifactId + ": no jar");
			return;
		}
		if (sources == null) {
			this.problems.add(artifactId + ": no sources jar (maven-source-plugin)");
		}
		if (javadoc == null) {
			this.problems.add(artifactId + ": no Javadoc jar (maven-javadoc-plugin)");
		}
		boolean hasClasses = contains(jar, ".class");
		if (sources != null && !contains(sources, hasClasses ? ".java" : "")) {
			this.problems.add(artifactId + ": the sources jar holds no " + (hasClasses ? "Java sources" : "file"));
		}
		if (javadoc != null && !contains(javadoc, hasClasses ? "index.html" : "")) {
			this.problems.add(artifactId + ": the Javadoc jar holds no " + (hasClasses ? "index.html" : "file"));
		}
	}

	private void checkPom(String groupId, String artifactId, Path pom, boolean release) throws Exception {
		String text = Files.readString(pom, StandardCharsets.UTF_8);
		String prefix = artifactId + ": " + pom.getFileName() + ": ";
		int property = text.indexOf("${");
		if (property >= 0) {
			this.problems.add(prefix + "unresolved property "
					+ text.substring(property, Math.min(text.length(), text.indexOf('}', property) + 1))
					+ " (the POM is not flattened)");
		}
		DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
		factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
		Document document = factory.newDocumentBuilder().parse(pom.toFile());
		Element project = document.getDocumentElement();
		for (String forbidden : new String[] { "parent", "properties", "build", "repositories",
				"pluginRepositories", "dependencyManagement" }) {
			if (child(project, forbidden) != null) {
				this.problems.add(prefix + "has <" + forbidden + ">: the published POM must stand alone (flattened)");
			}
		}
		String version = text(project, "version");
		if (!groupId.equals(text(project, "groupId"))) {
			this.problems.add(prefix + "groupId is " + text(project, "groupId") + ", not " + groupId);
		}
		if (!artifactId.equals(text(project, "artifactId"))) {
			this.problems.add(prefix + "artifactId is " + text(project, "artifactId"));
		}
		if (version == null) {
			this.problems.add(prefix + "no <version>");
		}
		else if (release && version.endsWith("-SNAPSHOT")) {
			this.problems.add(prefix + "version " + version + " is a SNAPSHOT: a release has a release version");
		}
		for (String required : new String[] { "name", "description", "url" }) {
			if (isBlank(text(project, required))) {
				this.problems.add(prefix + "no <" + required + ">");
			}
		}
		Element licenses = child(project, "licenses");
		List<Element> licenseList = (licenses != null) ? children(licenses, "license") : List.of();
		if (licenseList.isEmpty()) {
			this.problems.add(prefix + "no <licenses>");
		}
		for (Element license : licenseList) {
			if (isBlank(text(license, "name")) || isBlank(text(license, "url"))) {
				this.problems.add(prefix + "a <license> without a name or a url");
			}
		}
		Element developers = child(project, "developers");
		List<Element> developerList = (developers != null) ? children(developers, "developer") : List.of();
		if (developerList.isEmpty()) {
			this.problems.add(prefix + "no <developers>");
		}
		for (Element developer : developerList) {
			if (isBlank(text(developer, "name")) && isBlank(text(developer, "id"))) {
				this.problems.add(prefix + "a <developer> without a name or an id");
			}
		}
		Element scm = child(project, "scm");
		if (scm == null || isBlank(text(scm, "url")) || isBlank(text(scm, "connection"))) {
			this.problems.add(prefix + "no <scm> with a <url> and a <connection>");
		}
		checkSameAsOthers(prefix, "url", text(project, "url"));
		if (scm != null) {
			checkSameAsOthers(prefix, "scm url", text(scm, "url"));
		}
		Element dependencies = child(project, "dependencies");
		if (dependencies != null) {
			for (Element dependency : children(dependencies, "dependency")) {
				checkDependency(prefix, groupId, version, release, dependency);
			}
		}
	}

	private void checkDependency(String prefix, String groupId, String version, boolean release,
			Element dependency) {
		String coordinates = text(dependency, "groupId") + ":" + text(dependency, "artifactId");
		String dependencyVersion = text(dependency, "version");
		if (isBlank(text(dependency, "groupId")) || isBlank(text(dependency, "artifactId"))) {
			this.problems.add(prefix + "a dependency without a groupId or an artifactId");
		}
		if (isBlank(dependencyVersion)) {
			this.problems.add(prefix + coordinates + " has no version: a consumer could not resolve it");
		}
		else if (dependencyVersion.endsWith("-SNAPSHOT")) {
			boolean ownVersion = groupId.equals(text(dependency, "groupId")) && dependencyVersion.equals(version);
			if (release || !ownVersion) {
				this.problems.add(prefix + coordinates + ":" + dependencyVersion + " is a SNAPSHOT dependency");
			}
		}
		if ("test".equals(text(dependency, "scope"))) {
			this.problems.add(prefix + coordinates + " is a test dependency: it does not belong in a published POM");
		}
	}

	private void checkSameAsOthers(String prefix, String what, String value) {
		if (value == null) {
			return;
		}
		String first = what.equals("url") ? this.url : this.scmUrl;
		if (first == null) {
			if (what.equals("url")) {
				this.url = value;
			}
			else {
				this.scmUrl = value;
			}
		}
		else if (!first.equals(value)) {
			this.problems.add(prefix + what + " " + value + " differs from the other artifacts' " + first
					+ " (a url inherited with the module's name appended?)");
		}
	}

	private static Path newest(Path directory, String suffix, String... excluded) throws IOException {
		try (Stream<Path> files = Files.list(directory)) {
			return files.filter((file) -> {
				String name = file.getFileName().toString();
				return name.endsWith(suffix) && Stream.of(excluded).noneMatch(name::endsWith);
			}).max(Comparator.naturalOrder()).orElse(null);
		}
	}

	private static boolean contains(Path jar, String suffix) throws IOException {
		try (ZipFile zip = new ZipFile(jar.toFile())) {
			return zip.stream()
				.map(ZipEntry::getName)
				.filter((name) -> !name.endsWith("/") && !name.startsWith("META-INF/"))
				.anyMatch((name) -> name.endsWith(suffix));
		}
	}

	private static Element child(Element parent, String name) {
		for (Node node = parent.getFirstChild(); node != null; node = node.getNextSibling()) {
			if (node instanceof Element element && name.equals(element.getTagName())) {
				return element;
			}
		}
		return null;
	}

	private static List<Element> children(Element parent, String name) {
		List<Element> result = new ArrayList<>();
		NodeList nodes = parent.getChildNodes();
		for (int i = 0; i < nodes.getLength(); i++) {
			if (nodes.item(i) instanceof Element element && name.equals(element.getTagName())) {
				result.add(element);
			}
		}
		return result;
	}

	private static String text(Element parent, String name) {
		Element element = child(parent, name);
		return (element != null) ? element.getTextContent().trim() : null;
	}

	private static boolean isBlank(String value) {
		return value == null || value.isBlank();
	}

}
