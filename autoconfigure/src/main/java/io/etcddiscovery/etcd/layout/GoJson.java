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
package io.etcddiscovery.etcd.layout;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

import io.etcddiscovery.etcd.InvalidInstanceValueException;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * JSON read the way Go's {@code encoding/json} decodes it into a framework's struct: a
 * field matched by its tag exactly, else case-insensitively, the last one winning; a
 * {@code null} leaves the zero value; a value of the wrong type fails the whole value.
 *
 * @author etcd-discovery authors
 */
final class GoJson {

	static final JsonMapper MAPPER = JsonMapper.builder().build();

	private GoJson() {
	}

	static ObjectNode object(byte[] value) {
		JsonNode root;
		try {
			root = MAPPER.readTree(new String(value, StandardCharsets.UTF_8));
		}
		catch (RuntimeException ex) {
			throw new InvalidInstanceValueException("not JSON");
		}
		if (root == null || !root.isObject()) {
			throw new InvalidInstanceValueException("not a JSON object");
		}
		return (ObjectNode) root;
	}

	static @Nullable JsonNode field(JsonNode object, String tag) {
		JsonNode exact = object.get(tag);
		JsonNode found = null;
		if (exact == null) {
			for (Map.Entry<String, JsonNode> field : object.properties()) {
				if (field.getKey().equalsIgnoreCase(tag)) {
					found = field.getValue();
				}
			}
		}
		else {
			found = exact;
		}
		return (found == null || found.isNull()) ? null : found;
	}

	static String string(JsonNode object, String tag) {
		JsonNode node = field(object, tag);
		if (node == null) {
			return "";
		}
		if (!node.isString()) {
			throw new InvalidInstanceValueException("'" + tag + "' is not a string");
		}
		return node.asString();
	}

	static @Nullable Long integer(JsonNode object, String tag) {
		JsonNode node = field(object, tag);
		if (node == null) {
			return null;
		}
		if (!node.isIntegralNumber() || !node.canConvertToLong()) {
			throw new InvalidInstanceValueException("'" + tag + "' is not an integer");
		}
		return node.asLong();
	}

	static Map<String, String> strings(JsonNode object, String tag) {
		JsonNode node = field(object, tag);
		Map<String, String> strings = new LinkedHashMap<>();
		if (node == null) {
			return strings;
		}
		if (!node.isObject()) {
			throw new InvalidInstanceValueException("'" + tag + "' is not an object");
		}
		for (Map.Entry<String, JsonNode> entry : node.properties()) {
			JsonNode value = entry.getValue();
			if (value.isNull()) {
				strings.put(entry.getKey(), "");
			}
			else if (value.isString()) {
				strings.put(entry.getKey(), value.asString());
			}
			else {
				throw new InvalidInstanceValueException("'" + tag + "' has a value that is not a string");
			}
		}
		return strings;
	}

	static String write(JsonNode node) {
		return MAPPER.writeValueAsString(node);
	}

}
