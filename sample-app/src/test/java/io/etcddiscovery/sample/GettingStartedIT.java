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

package io.etcddiscovery.sample;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.options.GetOption;
import io.etcddiscovery.test.EtcdExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.util.FileSystemUtils;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * docs/getting-started.md tried as a new user would: an empty Maven project (Spring
 * Boot's parent and {@code spring-boot-starter-web}, what start.spring.io generates) plus
 * the snippets the page marks with {@code <!-- getting-started: ... -->}, built with
 * Maven against the artifacts this build publishes (their jars and flattened POMs, in a
 * repository of their own), then started against a real etcd, once as a plain jar and
 * once processed by Spring AOT ({@code -Pnative package}, run with
 * {@code -Dspring.aot.enabled=true}). Whatever the starter brings, the page alone must be
 * enough.
 *
 * @author etcd-discovery authors
 */
class GettingStartedIT {

	@RegisterExtension
	static final EtcdExtension etcd = EtcdExtension.singleNode();

	private static final Path PAGE = Path.of("..", "docs", "getting-started.md");

	private static final Path WORK = Path.of("target", "getting-started");

	private static final Pattern SNIPPET = Pattern.compile("<!-- getting-started: (\\S+) -->\\s*```\\w*\\n(.*?)\\n```",
			Pattern.DOTALL);

	private static final Duration BUILD_TIMEOUT = Duration.ofMinutes(10);

	private static final Duration START_TIMEOUT = Duration.ofSeconds(120);

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static Client client;

	private static Path plainJar;

	private static Path aotJar;

	// Two Maven builds of at most BUILD_TIMEOUT each: longer than the build's default
	// timeout of one test or lifecycle method (test.timeout in the parent POM).
	@BeforeAll
	@Timeout(value = 25, unit = TimeUnit.MINUTES)
	static void buildTheProjectFromThePage() throws Exception {
		FileSystemUtils.deleteRecursively(WORK);
		Map<String, String> snippets = snippets();
		assertThat(snippets).containsOnlyKeys("dependencies", "application.yml");
		Path repository = publishedArtifacts(WORK.resolve("repository"));
		Path project = emptyProject(WORK.resolve("project"), snippets);
		plainJar = build(project, repository, "plain", List.of("package"));
		aotJar = build(project, repository, "aot", List.of("-Pnative", "clean", "package"));
		client = Client.builder().endpoints(etcd.endpoints().toArray(String[]::new)).build();
	}

	@AfterAll
	static void closeClient() {
		if (client != null) {
			client.close();
		}
	}

	@Test
	void registersAndDeregistersWithoutAot() throws Exception {
		runs(plainJar, List.of(), "getting-started-plain");
	}

	@Test
	void registersAndDeregistersWithAot() throws Exception {
		ApplicationProcess process = runs(aotJar, List.of("-Dspring.aot.enabled=true"), "getting-started-aot");
		assertThat(process.output()).contains("Starting AOT-processed GettingStartedApplication");
	}

	private ApplicationProcess runs(Path jar, List<String> jvmArguments, String name) throws Exception {
		etcd.deleteAllKeys();
		// Only what a user sets for their environment: where etcd is.
		try (ApplicationProcess process = ApplicationProcess.start(jar, name, jvmArguments,
				List.of("--discovery.etcd.endpoints=" + String.join(",", etcd.endpoints())))) {
			// The key is written before the line is logged: wait for both.
			await().atMost(START_TIMEOUT)
				.until(() -> (!keys().isEmpty() && process.output().contains("Registered /services/default/orders/"))
						|| !process.isAlive());
			assertThat(process.isAlive()).as("%s is running; its output:%n%s", process, process.output()).isTrue();
			assertThat(keys()).hasSize(1);
			assertThat(keys().get(0).getValue().toString(StandardCharsets.UTF_8)).contains(":" + process.port() + "\"")
				.contains("\"zone\":\"eu-1\"");
			await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
				JsonNode discovery = JSON.readTree(process.get("/actuator/discovery").body());
				assertThat(discovery.at("/instance/service").asString()).isEqualTo("orders");
				assertThat(discovery.at("/instance/registration").asString()).isEqualTo("REGISTERED");
			});
			assertThat(process.terminate()).isEqualTo(143);
			// Nothing left anywhere in the namespace (an instance that stops being UP on
			// the
			// way out is parked under /services/default/~parked/ before it is deleted).
			assertThat(keys("/services/")).isEmpty();
			assertThat(process.output()).containsPattern("Deregistered /services/default/(~parked/)?orders/");
			return process;
		}
	}

	private static List<KeyValue> keys() throws Exception {
		return keys("/services/default/orders/");
	}

	private static List<KeyValue> keys(String prefix) throws Exception {
		return client.getKVClient()
			.get(ByteSequence.from(prefix, StandardCharsets.UTF_8), GetOption.builder().isPrefix(true).build())
			.get(10, TimeUnit.SECONDS)
			.getKvs();
	}

	private static Map<String, String> snippets() throws IOException {
		Map<String, String> snippets = new LinkedHashMap<>();
		Matcher matcher = SNIPPET.matcher(Files.readString(PAGE, StandardCharsets.UTF_8));
		while (matcher.find()) {
			snippets.put(matcher.group(1), matcher.group(2));
		}
		return snippets;
	}

	/**
	 * A repository holding what this build publishes, as it publishes it: every module
	 * with a flattened POM (the published ones), its jar and that POM.
	 */
	private static Path publishedArtifacts(Path repository) throws IOException {
		List<Path> modules;
		try (Stream<Path> siblings = Files.list(Path.of(".."))) {
			modules = siblings.filter((module) -> Files.exists(module.resolve("target/flattened-pom.xml"))).toList();
		}
		assertThat(modules).as("published modules built before this one").isNotEmpty();
		for (Path module : modules) {
			Path pom = module.resolve("target/flattened-pom.xml");
			String text = Files.readString(pom, StandardCharsets.UTF_8);
			String groupId = element(text, "groupId");
			String artifactId = element(text, "artifactId");
			String version = element(text, "version");
			Path directory = Files
				.createDirectories(repository.resolve(groupId.replace('.', '/')).resolve(artifactId).resolve(version));
			Files.copy(pom, directory.resolve(artifactId + "-" + version + ".pom"),
					StandardCopyOption.REPLACE_EXISTING);
			Path jar = module.resolve("target/" + artifactId + "-" + version + ".jar");
			assertThat(jar).as("the jar of %s", module).exists();
			Files.copy(jar, directory.resolve(artifactId + "-" + version + ".jar"),
					StandardCopyOption.REPLACE_EXISTING);
		}
		return repository;
	}

	private static String element(String pom, String name) {
		Matcher matcher = Pattern.compile("<" + name + ">([^<]+)</" + name + ">").matcher(pom);
		assertThat(matcher.find()).as("<%s> in a flattened POM", name).isTrue();
		return matcher.group(1).trim();
	}

	/** What start.spring.io generates for Spring Boot with Spring Web, plus the page. */
	private static Path emptyProject(Path project, Map<String, String> snippets) throws IOException {
		String pom = """
				<?xml version="1.0" encoding="UTF-8"?>
				<project xmlns="http://maven.apache.org/POM/4.0.0" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
						xsi:schemaLocation="http://maven.apache.org/POM/4.0.0 https://maven.apache.org/xsd/maven-4.0.0.xsd">
					<modelVersion>4.0.0</modelVersion>
					<parent>
						<groupId>org.springframework.boot</groupId>
						<artifactId>spring-boot-starter-parent</artifactId>
						<version>%s</version>
						<relativePath/>
					</parent>
					<groupId>com.example</groupId>
					<artifactId>orders</artifactId>
					<version>0.0.1-SNAPSHOT</version>
					<properties>
						<java.version>17</java.version>
					</properties>
					<dependencies>
						<dependency>
							<groupId>org.springframework.boot</groupId>
							<artifactId>spring-boot-starter-web</artifactId>
						</dependency>
				%s
					</dependencies>
					<build>
						<plugins>
							<plugin>
								<groupId>org.springframework.boot</groupId>
								<artifactId>spring-boot-maven-plugin</artifactId>
							</plugin>
						</plugins>
					</build>
				</project>
				"""
			.formatted(System.getProperty("spring-boot.version"), snippets.get("dependencies"));
		String application = """
				package com.example.orders;

				import org.springframework.boot.SpringApplication;
				import org.springframework.boot.autoconfigure.SpringBootApplication;

				@SpringBootApplication
				public class GettingStartedApplication {

					public static void main(String[] args) {
						SpringApplication.run(GettingStartedApplication.class, args);
					}

				}
				""";
		write(project.resolve("pom.xml"), pom);
		write(project.resolve("src/main/java/com/example/orders/GettingStartedApplication.java"), application);
		write(project.resolve("src/main/resources/application.yml"), snippets.get("application.yml"));
		return project;
	}

	private static Path build(Path project, Path repository, String name, List<String> goals) throws Exception {
		Path log = WORK.resolve("build-" + name + ".log");
		List<String> command = new ArrayList<>(List.of(Path.of("..", "mvnw").toAbsolutePath().toString(), "-B", "-f",
				project.resolve("pom.xml").toAbsolutePath().toString(),
				// This build's artifacts first, then whatever the developer's repository
				// already holds (Spring Boot and the rest come from Maven Central).
				"-Dmaven.repo.local=" + repository.toAbsolutePath(),
				"-Dmaven.repo.local.tail=" + System.getProperty("maven.repo.local")));
		command.addAll(goals);
		ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
		builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
		builder.environment().remove("MAVEN_OPTS");
		Process process = builder.start();
		if (!process.waitFor(BUILD_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
			process.destroyForcibly();
			throw new AssertionError("the project of the getting-started page did not build within " + BUILD_TIMEOUT);
		}
		assertThat(process.exitValue())
			.as("building the project of the getting-started page (%s):%n%s", goals, tail(log))
			.isZero();
		Path jar = project.resolve("target/orders-0.0.1-SNAPSHOT.jar");
		Path copy = WORK.resolve("orders-" + name + ".jar");
		Files.copy(jar, copy, StandardCopyOption.REPLACE_EXISTING);
		return copy;
	}

	private static String tail(Path log) throws IOException {
		List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
		return String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
	}

	private static void write(Path file, String content) {
		try {
			Files.createDirectories(file.getParent());
			Files.writeString(file, content, StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
