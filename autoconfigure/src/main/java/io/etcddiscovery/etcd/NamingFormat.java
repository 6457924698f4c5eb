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

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Writes and reads instance values in etcd's naming format, the format Go gRPC clients
 * read with etcd's resolver ({@code go.etcd.io/etcd/clientv3/naming}).
 * <p>
 * Written: {@code {"Op":0,"Addr":"host:port","Metadata":null,"Instance":{...}}}. Go's
 * resolver copies {@code Metadata} into gRPC's {@code resolver.Address}, which grpc-go's
 * balancers use as a map key: a JSON object there becomes a Go map and crashes them
 * ({@code round_robin} panics with "hash of unhashable type"), so {@code Metadata} stays
 * {@code null} and the instance record goes into {@code Instance}, a field Go's decoder
 * ignores.
 * <p>
 * Read, so that a fleet can upgrade one instance at a time and Go writers are understood
 * as Go's resolver understands them:
 * <ul>
 * <li>the record from {@code Instance}; or from {@code Metadata} when it is an object
 * (the layout written by earlier versions, and by Go services that publish a map); or
 * from {@code Metadata} when it is a string holding a JSON object (what Go services can
 * publish without crashing Go clients); anything else in {@code Metadata} is
 * ignored;</li>
 * <li>{@code Op}, {@code Addr} and {@code Metadata} matched case-insensitively, the last
 * one winning, as Go's {@code encoding/json} does ({@code {"op":0,"addr":...}} is a valid
 * endpoint for Go); {@code Op} is ignored like Go's resolver ignores it, but a value Go
 * cannot decode ({@code Op} not 0-255, {@code Addr} not a string) is rejected, since Go
 * clients skip it too;</li>
 * <li>a bare {@code host:port} or {@code http(s)://host[:port]} value, as go-kit's
 * {@code sd/etcdv3} registrar and go-zero write.</li>
 * </ul>
 *
 * @author etcd-discovery authors
 */
public final class NamingFormat {

	/**
	 * The field of a value that holds the instance record.
	 */
	public static final String INSTANCE_FIELD = "Instance";

	static final String HOST = "host";

	static final String PORT = "port";

	static final String SECURE = "secure";

	static final String STATUS = "status";

	static final String METADATA = "metadata";

	static final String REGISTERED_AT = "registeredAt";

	// The fields of the record written by this library; any other scalar field is
	// metadata of another writer.
	static final Set<String> RECORD_FIELDS = Set.of("service", "instanceId", "namespace", HOST, PORT, SECURE, STATUS,
			METADATA, REGISTERED_AT);

	private static final JsonMapper MAPPER = JsonMapper.builder().build();

	/**
	 * Encode an instance.
	 * @param registration the instance
	 * @param registeredAt when this registration was made
	 * @return the JSON value as UTF-8 bytes
	 */
	public byte[] encode(InstanceRecord registration, Instant registeredAt) {
		ObjectNode value = MAPPER.createObjectNode();
		value.put("Op", 0);
		value.put("Addr", registration.address());
		value.putNull("Metadata");
		ObjectNode record = value.putObject(INSTANCE_FIELD);
		record.put("service", registration.service());
		record.put("instanceId", registration.instanceId());
		record.put("namespace", registration.namespace());
		record.put(HOST, registration.host());
		record.put(PORT, registration.port());
		record.put(SECURE, registration.secure());
		record.put(STATUS, registration.status().name());
		ObjectNode user = record.putObject(METADATA);
		registration.metadata().forEach(user::put);
		record.put(REGISTERED_AT, registeredAt.toString());
		return MAPPER.writeValueAsBytes(value);
	}

	/**
	 * Decode a value written by {@link #encode}, by an earlier version of this library,
	 * or by any other writer of etcd's naming format or of a bare address.
	 * @param value the value
	 * @return the decoded instance
	 * @throws InvalidInstanceValueException if the value is not an instance
	 */
	public DecodedInstance decode(byte[] value) {
		String text = new String(value, StandardCharsets.UTF_8).strip();
		if (!text.startsWith("{")) {
			return decodeAddress(text);
		}
		JsonNode root;
		try {
			root = MAPPER.readTree(text);
		}
		catch (RuntimeException ex) {
			throw new InvalidInstanceValueException("not JSON");
		}
		if (root == null || !root.isObject()) {
			throw new InvalidInstanceValueException("not a JSON object");
		}
		JsonNode op = null;
		JsonNode addr = null;
		JsonNode metadata = null;
		for (Map.Entry<String, JsonNode> field : root.properties()) {
			String name = field.getKey();
			if (name.equalsIgnoreCase("Op")) {
				op = field.getValue();
			}
			else if (name.equalsIgnoreCase("Addr")) {
				addr = field.getValue();
			}
			else if (name.equalsIgnoreCase("Metadata")) {
				metadata = field.getValue();
			}
		}
		if (op != null && !op.isNull()
				&& !(op.isIntegralNumber() && op.canConvertToInt() && op.asInt() >= 0 && op.asInt() <= 255)) {
			throw new InvalidInstanceValueException("'Op' is not a number from 0 to 255 (Go clients skip it too)");
		}
		if (addr != null && !addr.isNull() && !addr.isString()) {
			throw new InvalidInstanceValueException("'Addr' is not a string (Go clients skip it too)");
		}
		if (addr == null || addr.isNull() || addr.asString().isBlank()) {
			throw new InvalidInstanceValueException("no 'Addr'");
		}
		return new DecodedInstance(addr.asString(), fields(record(root.get(INSTANCE_FIELD), metadata)));
	}

	/**
	 * Decode a value given as a string.
	 * @param value the value
	 * @return the decoded instance
	 */
	public DecodedInstance decode(String value) {
		return decode(value.getBytes(StandardCharsets.UTF_8));
	}

	private static @Nullable JsonNode record(@Nullable JsonNode instance, @Nullable JsonNode metadata) {
		if (instance != null && !instance.isNull()) {
			if (!instance.isObject()) {
				throw new InvalidInstanceValueException("'" + INSTANCE_FIELD + "' is not an object");
			}
			return instance;
		}
		if (metadata != null && metadata.isObject()) {
			return metadata;
		}
		if (metadata != null && metadata.isString() && metadata.asString().strip().startsWith("{")) {
			try {
				JsonNode parsed = MAPPER.readTree(metadata.asString());
				return (parsed != null && parsed.isObject()) ? parsed : null;
			}
			catch (RuntimeException ex) {
				// A string that only looks like JSON: opaque to this library, as any
				// other string.
			}
		}
		return null;
	}

	private static Map<String, Object> fields(@Nullable JsonNode record) {
		Map<String, Object> fields = new LinkedHashMap<>();
		if (record != null) {
			for (Map.Entry<String, JsonNode> field : record.properties()) {
				fields.put(field.getKey(), value(field.getValue()));
			}
		}
		return fields;
	}

	private static @Nullable Object value(JsonNode node) {
		// Scalars as Jackson's untyped binding makes them, without a binding per field:
		// decoding is most of what listing 100,000 instances costs.
		if (node.isString()) {
			return node.asString();
		}
		if (node.isBoolean()) {
			return node.booleanValue();
		}
		if (node.isNumber()) {
			return node.numberValue();
		}
		if (node.isNull()) {
			return null;
		}
		return MAPPER.treeToValue(node, Object.class);
	}

	private static DecodedInstance decodeAddress(String text) {
		if (text.contains("://")) {
			return decodeUrl(text);
		}
		try {
			HostAndPort.parse(text);
		}
		catch (InvalidInstanceValueException ex) {
			throw new InvalidInstanceValueException("neither etcd's naming format nor host:port");
		}
		return new DecodedInstance(text, Map.of());
	}

	private static DecodedInstance decodeUrl(String text) {
		URI uri;
		try {
			uri = new URI(text);
		}
		catch (URISyntaxException ex) {
			throw new InvalidInstanceValueException("not a URL");
		}
		String scheme = (uri.getScheme() != null) ? uri.getScheme().toLowerCase(Locale.ROOT) : "";
		if (!scheme.equals("http") && !scheme.equals("https")) {
			throw new InvalidInstanceValueException("a URL that is not http or https");
		}
		if (uri.getHost() == null || uri.getRawUserInfo() != null || uri.getRawQuery() != null
				|| uri.getRawFragment() != null || (!uri.getRawPath().isEmpty() && !uri.getRawPath().equals("/"))) {
			throw new InvalidInstanceValueException("a URL that is not http(s)://host[:port]");
		}
		boolean secure = scheme.equals("https");
		int port = (uri.getPort() != -1) ? uri.getPort() : (secure ? 443 : 80);
		// URI keeps IPv6 hosts in brackets, as Addr has them.
		return new DecodedInstance(uri.getHost() + ":" + port, Map.of(SECURE, secure));
	}

}
