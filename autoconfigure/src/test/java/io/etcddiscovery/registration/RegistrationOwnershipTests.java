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

package io.etcddiscovery.registration;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests the ownership rules of the registration package on its main sources: a class
 * writes only its own fields ({@code this.field = …}; another object's state changes
 * through its methods, results or events), and logs under its own name.
 *
 * @author etcd-discovery authors
 */
class RegistrationOwnershipTests {

	private static final Path SOURCES = Path.of("src/main/java/io/etcddiscovery/registration");

	// An assignment, compound assignment, increment or decrement of a qualified name.
	private static final Pattern WRITE = Pattern.compile(
			"(?<![\\w.])((?:\\+\\+|--)\\s*)?([A-Za-z_]\\w*(?:\\s*\\.\\s*\\w+)+)\\s*(=(?!=)|[-+*/%&|^]=|\\+\\+|--)?");

	private static final Pattern LOGGER = Pattern.compile("LogFactory\\.getLog\\((\\w+)\\.class\\)");

	@Test
	void noClassWritesAFieldOfAnotherObject() throws IOException {
		List<String> writes = new ArrayList<>();
		for (Path file : sources()) {
			String code = code(Files.readString(file));
			Matcher matcher = WRITE.matcher(code);
			while (matcher.find()) {
				boolean written = matcher.group(1) != null || matcher.group(3) != null;
				String target = matcher.group(2).replaceAll("\\s", "");
				if (written && !target.matches("this\\.\\w+")) {
					writes.add(file.getFileName() + ": " + matcher.group().strip());
				}
			}
		}
		assertThat(writes).isEmpty();
	}

	@Test
	void everyClassLogsUnderItsOwnName() throws IOException {
		List<String> loggers = new ArrayList<>();
		for (Path file : sources()) {
			String name = file.getFileName().toString().replace(".java", "");
			Matcher matcher = LOGGER.matcher(Files.readString(file));
			while (matcher.find()) {
				if (!matcher.group(1).equals(name)) {
					loggers.add(name + " logs as " + matcher.group(1));
				}
			}
		}
		assertThat(loggers).isEmpty();
	}

	@Test
	void theRulesFindWhatTheyLookFor() {
		Matcher matcher = WRITE.matcher(code("""
				this.lease = granted; // machine.lease = granted
				machine.key = target;
				machine.report.statusChanges += 1;
				++other.failures;
				boolean same = machine.key == target;
				String text = "machine.value = encoded";
				"""));
		List<String> found = new ArrayList<>();
		while (matcher.find()) {
			if (matcher.group(1) != null || matcher.group(3) != null) {
				found.add(matcher.group(2));
			}
		}
		assertThat(found).containsExactly("this.lease", "machine.key", "machine.report.statusChanges",
				"other.failures");
	}

	private static List<Path> sources() throws IOException {
		try (Stream<Path> files = Files.list(SOURCES)) {
			List<Path> sources = files.filter((file) -> file.toString().endsWith(".java")).toList();
			assertThat(sources).isNotEmpty();
			return sources;
		}
	}

	// The source without its comments and string and character literals.
	private static String code(String source) {
		return source.replaceAll("(?s)/\\*.*?\\*/", " ")
			.replaceAll("\"(?:\\\\.|[^\"\\\\\\n])*\"", "\"\"")
			.replaceAll("'(?:\\\\.|[^'\\\\\\n])'", "' '")
			.replaceAll("//[^\\n]*", " ");
	}

}
