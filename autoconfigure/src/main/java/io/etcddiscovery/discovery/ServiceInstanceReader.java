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

package io.etcddiscovery.discovery;

import java.net.URI;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import io.etcddiscovery.registration.InstanceStatus;
import io.etcddiscovery.registration.InstanceValueRules;
import io.etcddiscovery.registration.InvalidInstanceValueException;
import io.etcddiscovery.registration.KeyLayout;
import io.etcddiscovery.registration.ServiceRegistrationCodec;
import io.etcddiscovery.registration.ServiceRegistrationCodec.DecodedInstance;
import io.etcddiscovery.registration.ServiceRegistrationCodec.HostAndPort;
import org.jspecify.annotations.Nullable;

/**
 * Reads a {@link ServiceInstance} from a key and value under a namespace prefix. The key
 * names the service and the instance, {@code <service>/<instance-id>}, or
 * {@code ~parked/<service>/<instance-id>} for an instance that is not UP (see
 * {@link KeyLayout}); the value is decoded by {@link ServiceRegistrationCodec}: etcd's
 * naming format, written by this library or by any client of etcd's Go resolver, or a
 * bare address.
 * <p>
 * Lenient where other writers differ (no {@code Metadata}, no {@code status}, extra
 * fields, lowercase field names), strict where a value would mislead (fields of the wrong
 * type, an address without a port, a key at the wrong depth, an oversized value).
 *
 * @author etcd-discovery authors
 */
final class ServiceInstanceReader {

	/**
	 * Largest value read as an instance. Instances are a few hundred bytes; a larger
	 * value is a mistake that should not cost every client memory.
	 */
	static final int MAX_VALUE_SIZE = InstanceValueRules.MAX_VALUE_SIZE;

	private static final Set<String> RECORD_FIELDS = Set.of("service", "instanceId", "namespace", "host", "port",
			"secure", "status", "metadata", "registeredAt");

	private final ServiceRegistrationCodec codec = new ServiceRegistrationCodec();

	private final String prefix;

	ServiceInstanceReader(String prefix) {
		this.prefix = prefix;
	}

	/**
	 * Read an instance.
	 * @param key the key
	 * @param value the value
	 * @param modRevision the revision that wrote the value
	 * @return the instance
	 * @throws InvalidInstanceValueException if the key or value is not an instance
	 */
	ServiceInstance read(String key, byte[] value, long modRevision) {
		KeyNames names = names(key);
		if (value.length > MAX_VALUE_SIZE) {
			throw new InvalidInstanceValueException(
					"value of %d bytes is larger than %d bytes".formatted(value.length, MAX_VALUE_SIZE));
		}
		DecodedInstance decoded = this.codec.decode(value);
		Map<String, Object> fields = decoded.fields();
		String host = optionalString(fields, "host");
		Integer port = port(fields.get("port"));
		if (host == null || port == null) {
			HostAndPort address = HostAndPort.parse(decoded.address());
			host = (host != null) ? host : address.host();
			port = (port != null) ? port : address.port();
		}
		InstanceStatus status = status(fields);
		if (names.parked() && status == InstanceStatus.UP) {
			// Go clients never call a parked key: neither do Spring clients.
			status = InstanceStatus.UNKNOWN;
		}
		boolean secure = secure(fields.get("secure"));
		Map<String, String> metadata = metadata(fields);
		URI uri = InstanceValidator.validate(names.service(), names.instanceId(), host, port, secure, metadata);
		return new ServiceInstance(names.service(), names.instanceId(), host, port, secure, status, metadata,
				decoded.address(), uri, key, modRevision, registeredAt(fields.get("registeredAt")));
	}

	private KeyNames names(String key) {
		String rest = key.startsWith(this.prefix) ? key.substring(this.prefix.length()) : "";
		String[] segments = rest.split("/", -1);
		boolean parked = segments.length == 3 && segments[0].equals(KeyLayout.PARKED_SEGMENT);
		int first = parked ? 1 : 0;
		if ((segments.length != 2 && !parked) || segments[first].isEmpty() || segments[first + 1].isEmpty()
				|| segments[first].startsWith("~")) {
			throw new InvalidInstanceValueException(
					"key is not of the form " + this.prefix + "<service>/<instance-id> or " + this.prefix
							+ KeyLayout.PARKED_SEGMENT + "/<service>/<instance-id>");
		}
		return new KeyNames(segments[first], segments[first + 1], parked);
	}

	private static @Nullable String optionalString(Map<String, Object> fields, String name) {
		Object value = fields.get(name);
		if (value == null) {
			return null;
		}
		if (!(value instanceof String text) || text.isBlank()) {
			throw new InvalidInstanceValueException("'" + name + "' is not a non-empty string");
		}
		return text;
	}

	private static @Nullable Integer port(@Nullable Object value) {
		if (value == null) {
			return null;
		}
		if ((value instanceof Integer || value instanceof Long) && ((Number) value).longValue() >= 0
				&& ((Number) value).longValue() <= 65535) {
			return ((Number) value).intValue();
		}
		throw new InvalidInstanceValueException("'port' is not a port number");
	}

	private static boolean secure(@Nullable Object value) {
		if (value == null) {
			return false;
		}
		if (value instanceof Boolean secure) {
			return secure;
		}
		throw new InvalidInstanceValueException("'secure' is not a boolean");
	}

	private static InstanceStatus status(Map<String, Object> fields) {
		Object value = fields.get("status");
		if (value == null) {
			// etcd's Go resolver treats every registered address as available.
			return InstanceStatus.UP;
		}
		if (!(value instanceof String name)) {
			throw new InvalidInstanceValueException("'status' is not a string");
		}
		for (InstanceStatus candidate : InstanceStatus.values()) {
			// Go writers spell it as they like: "up" is UP.
			if (candidate.name().equalsIgnoreCase(name)) {
				return candidate;
			}
		}
		return InstanceStatus.UNKNOWN;
	}

	private static Map<String, String> metadata(Map<String, Object> fields) {
		Map<String, String> metadata = new LinkedHashMap<>();
		Object user = fields.get("metadata");
		if (user != null) {
			if (!(user instanceof Map<?, ?> entries)) {
				throw new InvalidInstanceValueException("'metadata' is not an object");
			}
			entries.forEach((name, value) -> {
				if (isScalar(value)) {
					metadata.put(name.toString(), value.toString());
				}
			});
		}
		// Other writers, for example Go services, put their metadata next to 'status'.
		fields.forEach((name, value) -> {
			if (!RECORD_FIELDS.contains(name) && isScalar(value)) {
				metadata.putIfAbsent(name, value.toString());
			}
		});
		return metadata;
	}

	private static boolean isScalar(@Nullable Object value) {
		return value instanceof String || value instanceof Number || value instanceof Boolean;
	}

	private static @Nullable Instant registeredAt(@Nullable Object value) {
		if (value instanceof String text) {
			try {
				return Instant.parse(text);
			}
			catch (DateTimeParseException ex) {
				// Informational only: an unreadable timestamp does not spoil the
				// instance.
			}
		}
		return null;
	}

	/**
	 * What a key says: the service, the instance, and whether the instance is parked.
	 */
	private record KeyNames(String service, String instanceId, boolean parked) {

	}

}
