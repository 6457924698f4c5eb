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

package io.etcddiscovery.reliability;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * Writes a JSON tree as text, escaping every character outside printable ASCII, so that
 * any Java string, unpaired surrogates included, reaches etcd as valid JSON text that a
 * reader decodes back into that string.
 *
 * @author etcd-discovery authors
 */
final class Json {

	/**
	 * JSON's {@code null}, since generated maps and lists cannot hold {@code null}.
	 */
	static final Object NULL = new Object() {

		@Override
		public String toString() {
			return "null";
		}

	};

	private Json() {
	}

	static byte[] bytes(Object tree) {
		StringBuilder json = new StringBuilder();
		write(json, tree);
		return json.toString().getBytes(StandardCharsets.US_ASCII);
	}

	private static void write(StringBuilder json, Object value) {
		if (value == NULL || value == null) {
			json.append("null");
		}
		else if (value instanceof String text) {
			json.append('"');
			for (int i = 0; i < text.length(); i++) {
				char c = text.charAt(i);
				if (c == '"' || c == '\\') {
					json.append('\\').append(c);
				}
				else if (c < 0x20 || c > 0x7e) {
					json.append("\\u%04x".formatted((int) c));
				}
				else {
					json.append(c);
				}
			}
			json.append('"');
		}
		else if (value instanceof Double number) {
			// JSON has no NaN nor infinities.
			json.append((number.isNaN() || number.isInfinite()) ? "1e999" : number.toString());
		}
		else if (value instanceof Number || value instanceof Boolean) {
			json.append(value);
		}
		else if (value instanceof Map<?, ?> map) {
			json.append('{');
			boolean first = true;
			for (Map.Entry<?, ?> entry : map.entrySet()) {
				json.append(first ? "" : ",");
				first = false;
				write(json, String.valueOf(entry.getKey()));
				json.append(':');
				write(json, entry.getValue());
			}
			json.append('}');
		}
		else if (value instanceof List<?> list) {
			json.append('[');
			for (int i = 0; i < list.size(); i++) {
				json.append((i > 0) ? "," : "");
				write(json, list.get(i));
			}
			json.append(']');
		}
		else {
			throw new IllegalArgumentException("Not JSON: " + value.getClass());
		}
	}

}
