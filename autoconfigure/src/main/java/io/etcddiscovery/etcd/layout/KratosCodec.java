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

import java.net.URI;
import java.net.URISyntaxException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.etcddiscovery.etcd.HostAndPort;
import io.etcddiscovery.etcd.InvalidInstanceValueException;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The layout of Kratos' etcd registry (read from
 * {@code contrib/registry/etcd/registry.go} and {@code service.go}, and
 * {@code registry.ServiceInstance}, Kratos v2.9.2): {@code <prefix><name>/<id>} holding
 * {@code {"id","name","version","metadata":{string
 * values},"endpoints":["grpc://host:port","http://host:port"]}}.
 * <p>
 * Read: the service is {@code name}; HTTP clients call the {@code http}/{@code https}
 * endpoint, gRPC clients the {@code grpc} endpoint, each the other when there is only
 * one; {@code version} becomes the {@code version} metadata. Kratos' own reader fails a
 * whole service on one value it cannot decode; this one skips that instance only.
 * Written: {@code http(s)://host:port} as the endpoint, metadata values as strings.
 *
 * @author etcd-discovery authors
 */
public final class KratosCodec extends SinglePrefixCodec {

	/**
	 * Create a codec.
	 * @param prefix the prefix, such as {@code /microservices/}
	 */
	public KratosCodec(String prefix) {
		super(Layout.KRATOS, prefix);
	}

	@Override
	public @Nullable ForeignInstance decode(String key, byte[] value) {
		String[] segments = Keys.segments(prefix(), key, 2);
		if (segments == null) {
			return null;
		}
		ObjectNode instance = GoJson.object(value);
		String id = GoJson.string(instance, "id");
		String name = GoJson.string(instance, "name");
		String version = GoJson.string(instance, "version");
		Map<String, String> metadata = new LinkedHashMap<>(GoJson.strings(instance, "metadata"));
		JsonNode endpoints = GoJson.field(instance, "endpoints");
		if (endpoints != null && !endpoints.isArray()) {
			throw new InvalidInstanceValueException("'endpoints' is not an array");
		}
		if (name.isBlank()) {
			throw new InvalidInstanceValueException("no 'name'");
		}
		HostAndPort http = null;
		boolean secure = false;
		HostAndPort grpc = null;
		if (endpoints != null) {
			for (JsonNode endpoint : endpoints) {
				if (!endpoint.isString()) {
					throw new InvalidInstanceValueException("'endpoints' has a value that is not a string");
				}
				URI uri = uri(endpoint.asString());
				if (uri == null) {
					// Not a URL: like an endpoint of an unknown scheme, of no use here.
					continue;
				}
				String scheme = (uri.getScheme() != null) ? uri.getScheme().toLowerCase(Locale.ROOT) : "";
				if ((scheme.equals("http") || scheme.equals("https")) && http == null) {
					http = hostAndPort(uri);
					secure = scheme.equals("https");
				}
				else if (scheme.equals("grpc") && grpc == null) {
					grpc = hostAndPort(uri);
				}
			}
		}
		HostAndPort called = (http != null) ? http : grpc;
		if (called == null) {
			throw new InvalidInstanceValueException("no http, https or grpc endpoint");
		}
		if (!version.isEmpty()) {
			metadata.putIfAbsent("version", version);
		}
		return new ForeignInstance(name, id.isBlank() ? segments[1] : id, called.host(), called.port(), secure,
				metadata, (grpc != null && !grpc.equals(called)) ? grpc : null);
	}

	private static @Nullable URI uri(String endpoint) {
		try {
			return new URI(endpoint);
		}
		catch (URISyntaxException ex) {
			return null;
		}
	}

	private static HostAndPort hostAndPort(URI uri) {
		if (uri.getHost() == null || uri.getPort() == -1) {
			throw new InvalidInstanceValueException("an endpoint is not scheme://host:port");
		}
		String host = uri.getHost();
		if (host.startsWith("[") && host.endsWith("]")) {
			host = host.substring(1, host.length() - 1);
		}
		return new HostAndPort(host, uri.getPort());
	}

	@Override
	public List<PublishedKey> encode(PublishedInstance instance, long leaseId) {
		ObjectNode value = GoJson.MAPPER.createObjectNode();
		value.put("id", instance.instanceId());
		value.put("name", instance.service());
		value.put("version", instance.metadata().getOrDefault("version", ""));
		ObjectNode metadata = value.putObject("metadata");
		instance.metadata().forEach(metadata::put);
		ArrayNode endpoints = value.putArray("endpoints");
		endpoints.add((instance.secure() ? "https://" : "http://") + instance.address());
		return List
			.of(new PublishedKey(prefix() + instance.service() + "/" + instance.instanceId(), GoJson.write(value)));
	}

}
