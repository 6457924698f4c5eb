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

package io.etcddiscovery;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests the rules of the package layout (see docs/architecture.md) on the main sources:
 * which package may import which, and every package has its {@code package-info.java}.
 * How long a class is follows its role; no line count decides it.
 *
 * @author etcd-discovery authors
 */
class PackageRulesTests {

	private static final Path SOURCES = Path.of("src/main/java/io/etcddiscovery");

	// What each library package must not import: registration and discovery stand on the
	// etcd core, never on each other; no library package imports the auto-configuration.
	private static final Map<String, Set<String>> FORBIDDEN = Map.of("etcd",
			Set.of("registration", "discovery", "health", "actuate", "metrics", "cloud", "grpc", "autoconfigure"),
			"registration", Set.of("discovery", "health", "actuate", "metrics", "cloud", "grpc", "autoconfigure"),
			"discovery", Set.of("registration", "health", "actuate", "metrics", "cloud", "grpc", "autoconfigure"),
			"health", Set.of("registration", "discovery", "actuate", "metrics", "cloud", "grpc", "autoconfigure"),
			"actuate", Set.of("autoconfigure", "cloud", "grpc", "metrics"), "metrics",
			Set.of("autoconfigure", "grpc", "actuate"), "cloud", Set.of("autoconfigure", "grpc", "metrics"), "grpc",
			Set.of("autoconfigure", "cloud", "registration", "metrics"));

	@Test
	void packagesImportOnlyWhatTheyStandOn() throws IOException {
		List<String> violations = new ArrayList<>();
		for (Path file : sources()) {
			String pkg = SOURCES.relativize(file).getName(0).toString();
			for (String line : Files.readAllLines(file)) {
				if (line.startsWith("import io.etcddiscovery.")) {
					String imported = line.substring("import io.etcddiscovery.".length()).split("\\.")[0];
					if (FORBIDDEN.getOrDefault(pkg, Set.of()).contains(imported)) {
						violations.add(file + ": " + line);
					}
				}
			}
		}
		assertThat(violations).isEmpty();
	}

	@Test
	void everyPackageIsNullMarked() throws IOException {
		try (Stream<Path> packages = Files.list(SOURCES)) {
			assertThat(packages.filter(Files::isDirectory)).isNotEmpty().allSatisfy((pkg) -> {
				Path info = pkg.resolve("package-info.java");
				assertThat(info).exists();
				assertThat(Files.readString(info)).contains("@NullMarked");
			});
		}
	}

	private static List<Path> sources() throws IOException {
		try (Stream<Path> files = Files.walk(SOURCES)) {
			return files.filter((file) -> file.toString().endsWith(".java")).toList();
		}
	}

}
