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

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Writes and reads instance values in etcd's naming format, the format Go gRPC clients
 * read with etcd's resolver: {@code {"Op":0,"Addr":"host:port","Metadata":{...}}}, where
 * {@code Metadata} holds the instance record.
 *
 * @author etcd-discovery authors
 */
public final class ServiceRegistrationCodec {

	private static final JsonMapper MAPPER = JsonMapper.builder().build();

	/**
	 * Encode a registration.
	 * @param registration the registration
	 * @param registeredAt when this registration was made
	 * @return the JSON value as UTF-8 bytes
	 */
	public byte[] encode(ServiceRegistration registration, Instant registeredAt) {
		ObjectNode value = MAPPER.createObjectNode();
		value.put("Op", 0);
		value.put("Addr", registration.address());
		ObjectNode metadata = value.putObject("Metadata");
		metadata.put("service", registration.service());
		metadata.put("instanceId", registration.instanceId());
		metadata.put("namespace", registration.namespace());
		metadata.put("host", registration.host());
		metadata.put("port", registration.port());
		metadata.put("secure", registration.secure());
		metadata.put("status", registration.status().name());
		ObjectNode user = metadata.putObject("metadata");
		registration.metadata().forEach(user::put);
		metadata.put("registeredAt", registeredAt.toString());
		return MAPPER.writeValueAsBytes(value);
	}

	/**
	 * Decode a value written by {@link #encode} or by any client that writes etcd's
	 * naming format.
	 * @param value the value
	 * @return the decoded instance
	 * @throws InvalidInstanceValueException if the value is not an instance
	 */
	public DecodedInstance decode(byte[] value) {
		JsonNode root;
		try {
			root = MAPPER.readTree(value);
		}
		catch (RuntimeException ex) {
			throw new InvalidInstanceValueException("not JSON");
		}
		if (root == null || !root.isObject()) {
			throw new InvalidInstanceValueException("not a JSON object");
		}
		JsonNode addr = root.get("Addr");
		if (addr == null || !addr.isString() || addr.asString().isBlank()) {
			throw new InvalidInstanceValueException("no 'Addr'");
		}
		JsonNode metadata = root.get("Metadata");
		Map<String, Object> fields = new LinkedHashMap<>();
		if (metadata != null && metadata.isObject()) {
			for (Map.Entry<String, JsonNode> field : metadata.properties()) {
				fields.put(field.getKey(), MAPPER.treeToValue(field.getValue(), Object.class));
			}
		}
		return new DecodedInstance(addr.asString(), fields);
	}

	/**
	 * Decode a value given as a string.
	 * @param value the value
	 * @return the decoded instance
	 */
	public DecodedInstance decode(String value) {
		return decode(value.getBytes(StandardCharsets.UTF_8));
	}

	/**
	 * An instance value read from etcd.
	 *
	 * @param address the {@code Addr}
	 * @param metadata the {@code Metadata} object's fields, empty when absent
	 */
	public record DecodedInstance(String address, Map<String, Object> metadata) {

		/**
		 * Return the published status.
		 * @return the status, {@link InstanceStatus#UNKNOWN} when missing or unknown
		 */
		public InstanceStatus status() {
			Object status = this.metadata.get("status");
			if (status instanceof String name) {
				for (InstanceStatus candidate : InstanceStatus.values()) {
					if (candidate.name().equals(name)) {
						return candidate;
					}
				}
			}
			return InstanceStatus.UNKNOWN;
		}

	}

}
