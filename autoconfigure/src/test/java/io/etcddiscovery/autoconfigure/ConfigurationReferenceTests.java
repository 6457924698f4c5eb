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

package io.etcddiscovery.autoconfigure;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Keeps {@code docs/configuration.md} generated from the configuration metadata that the
 * annotation processor writes from {@link RegistrationProperties}' Javadoc. Run with
 * {@code -Ddocs.update=true} to regenerate it.
 *
 * @author etcd-discovery authors
 */
class ConfigurationReferenceTests {

	private static final Path REFERENCE = Path.of("..", "docs", "configuration.md");

	private static final String REGENERATE = "run './mvnw -pl autoconfigure test "
			+ "-Dtest=ConfigurationReferenceTests -Ddocs.update=true'";

	@Test
	void everyPropertyIsDocumented() throws IOException {
		for (JsonNode property : properties()) {
			assertThat(property.path("description").asString()).as(property.get("name").asString()).isNotBlank();
		}
	}

	@Test
	void referenceIsUpToDate() throws IOException {
		String expected = render(properties());
		if (Boolean.getBoolean("docs.update")) {
			Files.writeString(REFERENCE, expected);
		}
		assertThat(REFERENCE).as("docs/configuration.md is generated: " + REGENERATE).exists();
		assertThat(Files.readString(REFERENCE)).as("docs/configuration.md is out of date: " + REGENERATE)
			.isEqualTo(expected);
	}

	private static List<JsonNode> properties() throws IOException {
		try (InputStream metadata = ConfigurationReferenceTests.class
			.getResourceAsStream("/META-INF/spring-configuration-metadata.json")) {
			assertThat(metadata).as("configuration metadata").isNotNull();
			List<JsonNode> properties = new ArrayList<>();
			JsonMapper.builder().build().readTree(metadata).get("properties").forEach(properties::add);
			properties.sort(Comparator.comparing((property) -> property.get("name").asString()));
			return properties;
		}
	}

	private static String render(List<JsonNode> properties) {
		StringBuilder out = new StringBuilder();
		out.append("# Configuration reference\n\n");
		out.append(
				"<!-- Generated from the configuration metadata by ConfigurationReferenceTests: do not edit. -->\n\n");
		out.append("Every property of the starter, with its default. Durations take Spring Boot's formats "
				+ "(`500ms`, `10s`, `1m`); lists take comma-separated values or YAML lists. Any property can be "
				+ "set from the environment, for example `DISCOVERY_NAMESPACE=prod`.\n\n");
		out.append("| Property | Default | Description |\n|---|---|---|\n");
		for (JsonNode property : properties) {
			out.append("| `")
				.append(property.get("name").asString())
				.append("` | ")
				.append(defaultValue(property.get("defaultValue")))
				.append(" | ")
				.append(property.path("description").asString().replace("|", "\\|").replace("\n", " "))
				.append(" |\n");
		}
		return out.toString();
	}

	private static String defaultValue(JsonNode value) {
		if (value == null || value.isNull()) {
			return "";
		}
		if (value.isArray()) {
			List<String> items = new ArrayList<>();
			value.forEach((item) -> items.add(item.asString()));
			return "`" + String.join(",", items) + "`";
		}
		return "`" + value.asString() + "`";
	}

}
