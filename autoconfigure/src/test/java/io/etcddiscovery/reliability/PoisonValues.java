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
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.quicktheories.api.Pair;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;

import static org.quicktheories.generators.SourceDSL.doubles;
import static org.quicktheories.generators.SourceDSL.lists;
import static org.quicktheories.generators.SourceDSL.longs;
import static org.quicktheories.generators.SourceDSL.strings;

/**
 * Generates what may be found under a service's prefix in etcd besides good instances:
 * random bytes, random JSON, etcd's naming format with fields of every wrong type,
 * hostile strings in every field, good values with bytes flipped, inserted and removed,
 * deep nesting, values around and far beyond the size readers accept, and keys of every
 * wrong shape.
 *
 * @author etcd-discovery authors
 */
final class PoisonValues {

	static final String GOOD_HOST = "127.0.0.1";

	private static final List<String> HOSTILE = List.of("", " ", "bad host", "[127.0.0.1,::1]", "127.0.0.1,::1", "h_1",
			"-h", "h-", "1.2.3", "256.1.1.1", "010.0.0.1", "a.123", "::1::", "fe80::1%eth0", "[::1]", "http://h",
			"user@h", "h/path", "h?q", "h#f", "h:80", "h\u0000", "h\nWARN forged", "\t", "\ud800", "\udc00x",
			"\ud83d\ude00", "caf\u00e9.example", "xn--caf-dma.example", "a".repeat(64) + ".example", "a.".repeat(130),
			"localhost.", ".", "..", "%", "%25", "\\", "\"", "'", "{}", "[]", "null", "true", "-1", "0", "65536", "1e3",
			"NaN", "\u202e", "\ufeff", "\uFFFD", "<script>", "${jndi:ldap://x}", "%s%n%x", "'; DROP TABLE", "\u0085",
			"\u2028");

	private PoisonValues() {
	}

	/**
	 * Return poisons: a key shape and a value.
	 * @return the generator
	 */
	static Gen<Poison> poisons() {
		return keyShapes().zip(values(), Poison::new);
	}

	private static Gen<KeyShape> keyShapes() {
		return Generate.frequency(Pair.of(12, Generate.constant(KeyShape.INSTANCE)),
				Pair.of(4, Generate.enumValues(KeyShape.class)));
	}

	private static Gen<Value> values() {
		return Generate.frequency(Pair.of(2, randomBytes()), Pair.of(2, randomJson()),
				Pair.of(4, namingFormatWithRandomFields()), Pair.of(8, wrongType()), Pair.of(4, mutatedGood()),
				Pair.of(12, hostileField()), Pair.of(1, deeplyNested()), Pair.of(1, huge()));
	}

	/**
	 * Return a good value in this library's format.
	 * @param port the port
	 * @param instanceId the instance id
	 * @return the value, as a JSON tree
	 */
	static Map<String, Object> good(int port, String instanceId) {
		Map<String, Object> metadata = new LinkedHashMap<>();
		metadata.put("service", "orders");
		metadata.put("instanceId", instanceId);
		metadata.put("namespace", "default");
		metadata.put("host", GOOD_HOST);
		metadata.put("port", port);
		metadata.put("secure", false);
		metadata.put("status", "UP");
		metadata.put("metadata", new LinkedHashMap<>(Map.of("zone", "eu-1")));
		metadata.put("registeredAt", "2026-01-02T03:04:05Z");
		Map<String, Object> value = new LinkedHashMap<>();
		value.put("Op", 0);
		value.put("Addr", GOOD_HOST + ":" + port);
		value.put("Metadata", metadata);
		return value;
	}

	private static Gen<Value> randomBytes() {
		return Generate.byteArrays(Generate.range(0, 300), Generate.bytes(Byte.MIN_VALUE, Byte.MAX_VALUE, (byte) 0))
			.map((bytes) -> new Value("random bytes", bytes));
	}

	private static Gen<Value> randomJson() {
		return json(4).map((tree) -> new Value("random JSON", Json.bytes(tree)));
	}

	private static Gen<Value> namingFormatWithRandomFields() {
		return json(1).zip(address(), json(3), (op, addr, metadata) -> {
			Map<String, Object> value = new LinkedHashMap<>();
			value.put("Op", op);
			value.put("Addr", addr);
			value.put("Metadata", metadata);
			return new Value("naming format, random fields", Json.bytes(value));
		});
	}

	private static Gen<Value> wrongType() {
		List<String> paths = List.of("Op", "Addr", "Metadata", "Metadata.service", "Metadata.instanceId",
				"Metadata.host", "Metadata.port", "Metadata.secure", "Metadata.status", "Metadata.metadata",
				"Metadata.registeredAt", "Metadata.metadata.zone", "Metadata.extra");
		return ports().zip(Generate.pick(paths), json(2), (port, path, replacement) -> {
			Map<String, Object> value = good(port, "any");
			set(value, path, replacement);
			return new Value("good value, " + path + " of another type", Json.bytes(value));
		});
	}

	private static Gen<Value> hostileField() {
		List<String> paths = List.of("Addr", "Metadata.host", "Metadata.status", "Metadata.instanceId",
				"Metadata.metadata.zone", "Metadata.metadata.KEY", "Metadata.KEY", "Addr.host", "Addr.port");
		return ports().zip(Generate.pick(paths), hostileString(), (port, path, hostile) -> {
			Map<String, Object> value = good(port, "any");
			if (path.equals("Addr.host")) {
				value.put("Addr", hostile + ":" + port);
				((Map<?, ?>) value.get("Metadata")).remove("host");
			}
			else if (path.equals("Addr.port")) {
				value.put("Addr", GOOD_HOST + ":" + hostile);
				((Map<?, ?>) value.get("Metadata")).remove("port");
			}
			else if (path.endsWith(".KEY")) {
				set(value, path.substring(0, path.length() - 3) + hostile, "x");
			}
			else {
				set(value, path, hostile);
			}
			return new Value("good value, hostile " + path, Json.bytes(value));
		});
	}

	private static Gen<Value> mutatedGood() {
		Gen<int[]> edit = Generate.intArrays(Generate.constant(3), Generate.range(0, 10_000));
		return ports().zip(lists().of(edit).ofSizeBetween(1, 6), (port, changes) -> {
			List<Byte> bytes = new ArrayList<>();
			for (byte b : Json.bytes(good(port, "any"))) {
				bytes.add(b);
			}
			for (int[] change : changes) {
				int at = change[1] % Math.max(1, bytes.size());
				byte replacement = (byte) change[2];
				switch (change[0] % 3) {
					case 0 -> bytes.set(Math.min(at, bytes.size() - 1), replacement);
					case 1 -> bytes.add(at, replacement);
					default -> {
						if (!bytes.isEmpty()) {
							bytes.remove(Math.min(at, bytes.size() - 1));
						}
					}
				}
			}
			byte[] mutated = new byte[bytes.size()];
			for (int i = 0; i < mutated.length; i++) {
				mutated[i] = bytes.get(i);
			}
			return new Value("good value, bytes flipped, inserted or removed", mutated);
		});
	}

	private static Gen<Value> deeplyNested() {
		return Generate.range(50, 5000).zip(Generate.booleans(), (depth, inMetadata) -> {
			String open = inMetadata ? "{\"Addr\":\"127.0.0.1:1\",\"Metadata\":" + "{\"a\":".repeat(depth)
					: "[".repeat(depth);
			String close = inMetadata ? "1" + "}".repeat(depth) + "}" : "]".repeat(depth);
			return new Value("nested " + depth + " deep", (open + close).getBytes(StandardCharsets.UTF_8));
		});
	}

	private static Gen<Value> huge() {
		return ports().zip(
				Generate.pick(List.of(64 * 1024 - 400, 64 * 1024 - 200, 64 * 1024, 64 * 1024 + 1, 200 * 1024)),
				(port, size) -> {
					Map<String, Object> value = good(port, "any");
					int blob = Math.max(0, size - Json.bytes(value).length - 12);
					set(value, "Metadata.metadata.blob", "x".repeat(blob));
					return new Value("about " + size + " bytes", Json.bytes(value));
				});
	}

	private static Gen<Object> address() {
		return Generate.oneOf(hostileString().zip(ports(), (host, port) -> host + ":" + port),
				hostileString().map((port) -> GOOD_HOST + ":" + port), json(1));
	}

	private static Gen<Integer> ports() {
		return Generate.range(1, 65535);
	}

	static Gen<String> hostileString() {
		Gen<String> hostNameLike = lists().of(Generate.pick(List.of('a', 'z', '0', '9', '.', '-', ':', '[', ']', '_')))
			.ofSizeBetween(1, 30)
			.map((chars) -> chars.stream().map(String::valueOf).reduce("", String::concat));
		return Generate.oneOf(Generate.pick(HOSTILE), strings().allPossible().ofLengthBetween(0, 12),
				strings().ascii().ofLengthBetween(0, 20), hostNameLike);
	}

	private static Gen<Object> json(int depth) {
		Gen<Object> scalar = Generate.oneOf(hostileString().map(Object.class::cast),
				longs().all().map(Object.class::cast), doubles().any().map(Object.class::cast),
				Generate.booleans().map(Object.class::cast), Generate.constant(Json.NULL));
		if (depth <= 0) {
			return scalar;
		}
		Gen<Object> list = lists().of(json(depth - 1)).ofSizeBetween(0, 4).map(Object.class::cast);
		Gen<Object> object = lists().of(hostileString().zip(json(depth - 1), Pair::of))
			.ofSizeBetween(0, 4)
			.map((entries) -> {
				Map<String, Object> map = new LinkedHashMap<>();
				entries.forEach((entry) -> map.put(entry._1, entry._2));
				return map;
			});
		return Generate.frequency(Pair.of(3, scalar), Pair.of(1, list), Pair.of(2, object));
	}

	@SuppressWarnings("unchecked")
	private static void set(Map<String, Object> value, String path, Object replacement) {
		String[] names = path.split("\\.", -1);
		Map<String, Object> target = value;
		for (int i = 0; i < names.length - 1; i++) {
			Object next = target.get(names[i]);
			if (!(next instanceof Map)) {
				next = new LinkedHashMap<String, Object>();
				target.put(names[i], next);
			}
			target = (Map<String, Object>) next;
		}
		target.put(names[names.length - 1], replacement);
	}

	/**
	 * Where a poison is written, relative to the namespace prefix.
	 */
	enum KeyShape {

		INSTANCE, OTHER_SERVICE, TOO_DEEP, TOO_SHALLOW, EMPTY_INSTANCE_ID, CONTROL_CHARACTER, INVALID_UTF8, UNICODE,
		LONG;

		/**
		 * Return the key.
		 * @param prefix the namespace prefix
		 * @param sequence a number no other key of the run has
		 * @return the key's bytes
		 */
		byte[] key(String prefix, long sequence) {
			String id = "gen-" + sequence;
			String key = switch (this) {
				case INSTANCE -> "orders/" + id;
				case OTHER_SERVICE -> "svc-" + sequence + "/" + id;
				case TOO_DEEP -> "orders/" + id + "/deeper";
				case TOO_SHALLOW -> id;
				case EMPTY_INSTANCE_ID -> id + "/";
				case CONTROL_CHARACTER -> "orders/" + id + "\n\u0007";
				case INVALID_UTF8 -> "orders/" + id;
				case UNICODE -> "orders/" + id + "-\u00fc\ud83d\ude00";
				case LONG -> "orders/" + id + "-" + "k".repeat(3000);
			};
			byte[] bytes = (prefix + key).getBytes(StandardCharsets.UTF_8);
			if (this == INVALID_UTF8) {
				byte[] invalid = new byte[bytes.length + 2];
				System.arraycopy(bytes, 0, invalid, 0, bytes.length);
				invalid[bytes.length] = (byte) 0xff;
				invalid[bytes.length + 1] = (byte) 0xfe;
				return invalid;
			}
			return bytes;
		}

	}

	/**
	 * A value and how it was made.
	 *
	 * @param kind how it was made, for reports
	 * @param bytes the value
	 */
	record Value(String kind, byte[] bytes) {

		@Override
		public String toString() {
			String text = new String(this.bytes, 0, Math.min(this.bytes.length, 160), StandardCharsets.UTF_8);
			return this.kind + " (" + this.bytes.length + " bytes): " + text;
		}

	}

	/**
	 * A value and where it is written.
	 *
	 * @param keyShape where it is written
	 * @param value the value
	 */
	record Poison(KeyShape keyShape, Value value) {

	}

}
