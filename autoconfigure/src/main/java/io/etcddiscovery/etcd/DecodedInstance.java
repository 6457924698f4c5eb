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

package io.etcddiscovery.etcd;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * An instance value read from etcd: its {@code Addr} and the fields of its record, read
 * leniently where writers differ and strictly where a value would mislead.
 *
 * @param address the {@code Addr}, {@code host:port}
 * @param fields the fields of the instance record, empty when the value has none
 * @author etcd-discovery authors
 */
public record DecodedInstance(String address, Map<String, Object> fields) {

	/**
	 * Return the host: the record's, or the address's when the record has none.
	 * @return the host
	 * @throws InvalidInstanceValueException if the host is not a non-empty string, or the
	 * address is not {@code host:port}
	 */
	public String host() {
		Object value = this.fields.get(NamingFormat.HOST);
		if (value == null) {
			return HostAndPort.parse(this.address).host();
		}
		if (!(value instanceof String text) || text.isBlank()) {
			throw new InvalidInstanceValueException("'" + NamingFormat.HOST + "' is not a non-empty string");
		}
		return text;
	}

	/**
	 * Return the port: the record's, or the address's when the record has none.
	 * @return the port
	 * @throws InvalidInstanceValueException if the port is not a port number, or the
	 * address is not {@code host:port}
	 */
	public int port() {
		Object value = this.fields.get(NamingFormat.PORT);
		if (value == null) {
			return HostAndPort.parse(this.address).port();
		}
		if ((value instanceof Integer || value instanceof Long) && ((Number) value).longValue() >= 0
				&& ((Number) value).longValue() <= 65535) {
			return ((Number) value).intValue();
		}
		throw new InvalidInstanceValueException("'" + NamingFormat.PORT + "' is not a port number");
	}

	/**
	 * Return whether the instance is reached over TLS, false when the record does not
	 * say.
	 * @return whether it is secure
	 * @throws InvalidInstanceValueException if the field is not a boolean
	 */
	public boolean secure() {
		Object value = this.fields.get(NamingFormat.SECURE);
		if (value == null) {
			return false;
		}
		if (value instanceof Boolean secure) {
			return secure;
		}
		throw new InvalidInstanceValueException("'" + NamingFormat.SECURE + "' is not a boolean");
	}

	/**
	 * Return the status; {@link InstanceStatus#UP} when the record has none, as etcd's Go
	 * resolver treats every registered address as available.
	 * @return the status, {@link InstanceStatus#UNKNOWN} for one this library does not
	 * know
	 * @throws InvalidInstanceValueException if the field is not a string
	 */
	public InstanceStatus status() {
		Object value = this.fields.get(NamingFormat.STATUS);
		if (value == null) {
			return InstanceStatus.UP;
		}
		if (!(value instanceof String name)) {
			throw new InvalidInstanceValueException("'" + NamingFormat.STATUS + "' is not a string");
		}
		InstanceStatus status = InstanceStatus.parse(name);
		return (status != null) ? status : InstanceStatus.UNKNOWN;
	}

	/**
	 * Return the user metadata: the record's {@code metadata} object, and the other
	 * scalar fields next to it (where other writers, for example Go services, put
	 * theirs); values that are not scalars are left out.
	 * @return the metadata
	 * @throws InvalidInstanceValueException if {@code metadata} is not an object
	 */
	public Map<String, String> metadata() {
		Map<String, String> metadata = new LinkedHashMap<>();
		Object user = this.fields.get(NamingFormat.METADATA);
		if (user != null) {
			if (!(user instanceof Map<?, ?> entries)) {
				throw new InvalidInstanceValueException("'" + NamingFormat.METADATA + "' is not an object");
			}
			entries.forEach((name, value) -> {
				if (isScalar(value)) {
					metadata.put(name.toString(), value.toString());
				}
			});
		}
		this.fields.forEach((name, value) -> {
			if (!NamingFormat.RECORD_FIELDS.contains(name) && isScalar(value)) {
				metadata.putIfAbsent(name, value.toString());
			}
		});
		return metadata;
	}

	/**
	 * Return when the instance registered, if the record says so readably: informational
	 * only, so an unreadable timestamp does not spoil the instance.
	 * @return the time, or {@code null}
	 */
	public @Nullable Instant registeredAt() {
		if (this.fields.get(NamingFormat.REGISTERED_AT) instanceof String text) {
			try {
				return Instant.parse(text);
			}
			catch (DateTimeParseException ex) {
				// Informational only.
			}
		}
		return null;
	}

	private static boolean isScalar(@Nullable Object value) {
		return value instanceof String || value instanceof Number || value instanceof Boolean;
	}

}
