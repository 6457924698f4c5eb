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

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.etcddiscovery.etcd.HostAndPort;
import io.etcddiscovery.etcd.InvalidInstanceValueException;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The layout of go-micro's etcd registry (read from {@code registry/etcd/etcd.go} of
 * go-micro v2 and of go-micro/plugins v4/v5, and from go-micro v5.30.0's core
 * {@code registry/etcd}, and its {@code registry.Service}/{@code Node} types):
 * {@code <prefix><svc>/<node id>} holding the service with that one node,
 * {@code {"name","version","metadata":{},"endpoints":[],"nodes":[{"id","address","metadata":{}}]}},
 * metadata maps of strings.
 * <p>
 * Read: the service is {@code name}; the instance is the first node: its id, its address,
 * the service's metadata overlaid with the node's, and the service's {@code version} as
 * the {@code version} metadata when the metadata has none. Written: the same, with no
 * endpoints and the {@code version} metadata as the version.
 *
 * @author etcd-discovery authors
 */
public final class GoMicroCodec extends SinglePrefixCodec {

	/**
	 * Create a codec.
	 * @param prefix the prefix, such as {@code /micro/registry/}
	 */
	public GoMicroCodec(String prefix) {
		super(Layout.GO_MICRO, prefix);
	}

	@Override
	public @Nullable ForeignInstance decode(String key, byte[] value) {
		String[] segments = Keys.segments(prefix(), key, 2);
		if (segments == null) {
			return null;
		}
		ObjectNode service = GoJson.object(value);
		String name = GoJson.string(service, "name");
		String version = GoJson.string(service, "version");
		Map<String, String> metadata = new LinkedHashMap<>(GoJson.strings(service, "metadata"));
		JsonNode endpoints = GoJson.field(service, "endpoints");
		if (endpoints != null && !endpoints.isArray()) {
			throw new InvalidInstanceValueException("'endpoints' is not an array");
		}
		JsonNode nodes = GoJson.field(service, "nodes");
		if (nodes != null && !nodes.isArray()) {
			throw new InvalidInstanceValueException("'nodes' is not an array");
		}
		if (name.isBlank()) {
			throw new InvalidInstanceValueException("no 'name'");
		}
		if (nodes == null || nodes.isEmpty() || !nodes.get(0).isObject()) {
			throw new InvalidInstanceValueException("no node");
		}
		JsonNode node = nodes.get(0);
		String id = GoJson.string(node, "id");
		HostAndPort address = Keys.address("the node's 'address'", GoJson.string(node, "address"));
		metadata.putAll(GoJson.strings(node, "metadata"));
		if (!version.isEmpty()) {
			metadata.putIfAbsent("version", version);
		}
		return new ForeignInstance(name, id.isBlank() ? segments[1] : id, address.host(), address.port(), false,
				metadata, null);
	}

	@Override
	public List<PublishedKey> encode(PublishedInstance instance, long leaseId) {
		ObjectNode service = GoJson.MAPPER.createObjectNode();
		service.put("name", instance.service());
		service.put("version", instance.metadata().getOrDefault("version", ""));
		service.putObject("metadata");
		service.putArray("endpoints");
		ObjectNode node = service.putArray("nodes").addObject();
		node.put("id", instance.instanceId());
		node.put("address", instance.address());
		ObjectNode metadata = node.putObject("metadata");
		instance.metadata().forEach(metadata::put);
		return List.of(new PublishedKey(prefix() + segment(instance.service()) + "/" + segment(instance.instanceId()),
				GoJson.write(service)));
	}

	private static String segment(String name) {
		// go-micro replaces '/' in service names and node ids.
		return name.replace('/', '-');
	}

}
