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
import tools.jackson.databind.node.ObjectNode;

import org.springframework.util.Assert;

/**
 * The layout of kitex-contrib/registry-etcd (read from its {@code etcd_registry.go} and
 * {@code common.go}, v0.2.6), which hertz-contrib/registry's etcd registry shares under
 * its own prefix: {@code <prefix><svc>/<host:port>} holding
 * {@code {"network":"tcp","address":"host:port","weight":10,"tags":{...}}}, Go types
 * {@code string}, {@code string}, {@code int} and {@code map[string]string}.
 * <p>
 * Read: {@code weight} becomes the {@code weight} metadata and each tag a metadata entry;
 * a value without an address is skipped (Kitex itself would make it an instance with an
 * empty address). Written: this instance's metadata as tags, its {@code weight} metadata
 * as the weight when it is an integer, else Kitex's default weight 10.
 *
 * @author etcd-discovery authors
 */
public final class KitexCodec extends SinglePrefixCodec {

	/**
	 * The weight Kitex gives an instance that registers none
	 * ({@code discovery.DefaultWeight}).
	 */
	public static final int DEFAULT_WEIGHT = 10;

	static final String WEIGHT = "weight";

	/**
	 * Create a codec.
	 * @param layout {@link Layout#KITEX} or {@link Layout#HERTZ}
	 * @param prefix the prefix, such as {@code kitex/registry-etcd/}
	 */
	public KitexCodec(Layout layout, String prefix) {
		super(kitexOrHertz(layout), prefix);
	}

	private static Layout kitexOrHertz(Layout layout) {
		Assert.isTrue(layout == Layout.KITEX || layout == Layout.HERTZ, "'layout' must be kitex or hertz");
		return layout;
	}

	@Override
	public @Nullable ForeignInstance decode(String key, byte[] value) {
		String[] segments = Keys.segments(prefix(), key, 2);
		if (segments == null) {
			return null;
		}
		ObjectNode info = GoJson.object(value);
		GoJson.string(info, "network");
		String address = GoJson.string(info, "address");
		if (address.isBlank()) {
			throw new InvalidInstanceValueException("no 'address'");
		}
		HostAndPort hostAndPort = Keys.address("'address'", address);
		Long weight = GoJson.integer(info, WEIGHT);
		Map<String, String> metadata = new LinkedHashMap<>(GoJson.strings(info, "tags"));
		if (weight != null) {
			metadata.put(WEIGHT, Long.toString(weight));
		}
		return new ForeignInstance(segments[0], segments[1], hostAndPort.host(), hostAndPort.port(), false, metadata,
				null);
	}

	@Override
	public List<PublishedKey> encode(PublishedInstance instance, long leaseId) {
		ObjectNode info = GoJson.MAPPER.createObjectNode();
		info.put("network", "tcp");
		info.put("address", instance.address());
		info.put(WEIGHT, weight(instance.metadata().get(WEIGHT)));
		ObjectNode tags = info.putObject("tags");
		instance.metadata().forEach((name, value) -> {
			if (!name.equals(WEIGHT)) {
				tags.put(name, value);
			}
		});
		return List.of(new PublishedKey(prefix() + instance.service() + "/" + instance.address(), GoJson.write(info)));
	}

	private static int weight(@Nullable String weight) {
		if (weight != null) {
			try {
				return Integer.parseInt(weight.strip());
			}
			catch (NumberFormatException ex) {
				// Not a number Kitex can read: its default.
			}
		}
		return DEFAULT_WEIGHT;
	}

}
